"""The small exception hierarchy. Every message is Vietnamese and names the field, key or cell."""


class DtscoreError(Exception):
    """Base of every error dtscore raises on purpose."""


class CriteriaError(DtscoreError):
    """A criteria-set file is invalid: the message names the file and the key."""

    def __init__(self, file, key, message):
        self.file, self.key = str(file), key
        where = f"{self.file}: {key}" if key else self.file
        super().__init__(f"{where}: {message}")


class InputError(DtscoreError):
    """A user value cannot be read: the message names the field."""

    def __init__(self, field, message):
        self.field = field
        super().__init__(f"{field}: {message}" if field else message)


class WorkbookError(DtscoreError):
    """A workbook cannot be read or does not follow the template contract."""
