"""`dtscore report RESULT.xlsx -o bao-cao.docx [--top N]`: the department's report (Nghị định
30/2020 format) with the rankings, the units that sent nothing, the appraisal, a chart and the
annex proposing units for commendation."""

from ..official_report import Letterhead, write_report


def register(sub):
    p = sub.add_parser("report", help="Lập báo cáo kết quả thi đua (.docx, thể thức Nghị định 30/2020)")
    p.add_argument("result", help="tệp kết quả do dtscore consolidate lập (KET_QUA.xlsx)")
    p.add_argument("-o", "--output", required=True, help="báo cáo .docx sẽ tạo, ví dụ bao-cao.docx")
    p.add_argument("--top", type=int, default=3, help="số hạng đầu mỗi cấp đề nghị khen thưởng (mặc định 3; "
                                                       "đơn vị bằng điểm cùng hạng được giữ cùng nhau)")
    p.add_argument("--co-quan", dest="agency", default=Letterhead.agency, help="tên cơ quan ban hành (in hoa)")
    p.add_argument("--co-quan-chu-quan", dest="parent", default=Letterhead.parent, help="cơ quan chủ quản (in hoa)")
    p.add_argument("--dia-danh", dest="place", default=Letterhead.place, help="địa danh ghi ngày tháng")
    p.set_defaults(func=run)


def run(args):
    from ..errors import DtscoreError

    if args.top < 1:
        raise DtscoreError("--top phải từ 1 trở lên")
    letterhead = Letterhead(parent=args.parent, agency=args.agency, place=args.place)
    path = write_report(args.result, args.output, top=args.top, letterhead=letterhead)
    print(f"Đã lập báo cáo: {path}")
    print("Điền số, ngày ký và người ký trước khi trình ký; mở bằng Word hoặc LibreOffice Writer.")
    return 0
