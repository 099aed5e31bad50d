"""`dtscore appraisal-sheet RESULT.xlsx -o appraisal.xlsx`: the workbook Sở TTTT's reviewers fill in
with verified figures or scores (thẩm định), applied by `dtscore consolidate --appraisal`."""

from ..appraisal_workbook import build_sheet


def register(sub):
    p = sub.add_parser("appraisal-sheet", help="Lập phiếu thẩm định từ tệp kết quả tổng hợp")
    p.add_argument("result", help="tệp kết quả do dtscore consolidate lập (KET_QUA.xlsx)")
    p.add_argument("-o", "--output", required=True, help="phiếu thẩm định .xlsx sẽ tạo")
    p.set_defaults(func=run)


def run(args):
    path = build_sheet(args.result, args.output)
    print(f"Đã lập phiếu thẩm định: {path}")
    print("Nhập số liệu hoặc điểm thẩm định, lý do và người thẩm định vào các cột tô vàng, rồi chạy:")
    print(f"  dtscore consolidate HỘP_THƯ/ -o KET_QUA.xlsx --appraisal {path}")
    return 0
