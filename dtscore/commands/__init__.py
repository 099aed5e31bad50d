"""The sub-commands of `dtscore`, one module each (`register(subparsers)` and `run(args)`)."""
