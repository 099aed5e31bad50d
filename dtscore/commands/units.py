"""`dtscore units --province "Cần Thơ" [--level xa] [--departments so-nganh.csv] -o units.csv`: the
unit list from the official administrative divisions (after 1 July 2025) and the province's
departments."""

from ..adminunits import COMMUNE_LEVEL, DATA_VERSION, build_units, write_units


def register(sub):
    p = sub.add_parser("units", help="Lập danh sách đơn vị (units.csv) từ danh mục hành chính chính thức",
                       description="Lập units.csv: các xã, phường, đặc khu của một tỉnh, thành phố theo danh mục "
                                   "hành chính sau ngày 01/7/2025 (mã chính thức), cùng các sở, ngành từ tệp CSV.")
    p.add_argument("--province", required=True, metavar="TỈNH", help="tên hoặc mã tỉnh, thành phố, ví dụ “Cần Thơ” hoặc 92")
    p.add_argument("--level", default=COMMUNE_LEVEL, metavar="CẤP",
                   help=f"mã cấp ghi cho các xã, phường trong bộ tiêu chí (mặc định: {COMMUNE_LEVEL})")
    p.add_argument("--departments", metavar="SO-NGANH.CSV",
                   help="các sở, ngành của tỉnh (CSV UTF-8, cột code,name,level), ghi trước các xã, phường")
    p.add_argument("--sap-nhap", metavar="SAP-NHAP.CSV",
                   help="ghi thêm bản nháp bảng sáp nhập (đơn vị mới ← đơn vị cũ, mã chính thức) từ gói vietnamadminunits, "
                        "để kiểm tra rồi dùng với --merger")
    p.add_argument("-o", "--output", required=True, metavar="UNITS.CSV", help="tệp units.csv sẽ ghi")
    p.set_defaults(func=run)


def run(args):
    province, units = build_units(args.province, args.level, args.departments)
    communes = [u for u in units if u.level == args.level and u.division_type != "sở, ngành"]
    kinds = ", ".join(f"{sum(u.division_type == k for u in communes)} {k}" for k in dict.fromkeys(u.division_type for u in communes))
    out = write_units(args.output, units)
    print(f"Đã ghi {out}: {province.name} (mã {int(province.code):02d}) — {len(communes)} đơn vị cấp xã ({kinds})"
          + (f", {len(units) - len(communes)} sở, ngành" if len(units) > len(communes) else "")
          + f"; danh mục hành chính {DATA_VERSION}.")
    if args.sap_nhap:
        from ..merger_source import PACKAGE, PINNED, write_draft

        path, rows = write_draft(args.sap_nhap, province.code, {u.name: u.code for u in communes})
        print(f"Đã ghi {path}: bản nháp bảng sáp nhập theo gói {PACKAGE} {PINNED} — "
              f"{len({r[2] for r in rows})} đơn vị cũ → {len({r[0] for r in rows})} đơn vị mới. Kiểm tra lại (cột "
              "ghi_chu), thay mã cũ bằng mã lịch sử đã dùng nếu khác, thêm trọng số nếu muốn so sánh bình quân gia quyền.")
    return 0
