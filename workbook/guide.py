"""The "Hướng dẫn" sheet: how an official fills the template in, what the colours mean, how to
recalculate and check before sending."""

from dtscore import styles as S

from . import layout as L
from . import native_formulas as nf


def _paragraphs(cs, level, year, formulas):
    mode = {
        "native": (
            "Biểu mẫu này dùng công thức Excel thông thường: mở được bằng Excel hoặc LibreOffice trên mọi máy, "
            "không cần cài thêm phần mềm."
        ),
        "udf": (
            "Biểu mẫu này tính điểm bằng các hàm DT_* của phần bổ trợ dtscore (xlwings). Nếu ô “Điểm tính” "
            "hiện #NAME?, máy chưa cài phần bổ trợ: đề nghị Sở TTTT gửi biểu mẫu loại “công thức thông thường”."
        ),
    }[formulas]
    return [
        ("title", f"HƯỚNG DẪN ĐIỀN BIỂU MẪU TỰ CHẤM ĐIỂM {cs.heading} NĂM {year}"),
        ("note", f"{cs.title} — {level.title} (bộ tiêu chí {cs.id}, phiên bản {cs.version})"),
        ("head", "1. Các trang tính"),
        ("item", f"“{L.SHEET_INFO}”: kiểm tra mã và tên đơn vị; điền người liên hệ."),
        ("item", f"“{L.SHEET_SCORE}”: mỗi tiêu chí một khối dòng theo đúng thứ tự của Quyết định. Đơn vị nhập số "
                 "liệu, điểm tự chấm, căn cứ tính điểm và ghi chú; cột “Điểm tính” tự động tính theo Quyết định."),
        ("item", f"“{L.SHEET_PARAMS}”: thời hạn và các tham số do Sở TTTT quy định, cùng danh sách các mức lựa chọn "
                 "(đã khóa, đơn vị không sửa)."),
        ("head", "2. Cách điền"),
        ("item", "Chỉ nhập vào ô nền vàng; các ô khác đã được khóa. Không chèn, xóa dòng hoặc đổi tên trang tính."),
        ("item", "Ngày: gõ dạng ngày/tháng/năm, ví dụ 15/03/" + str(year) + ". Để trống nếu văn bản chưa ban hành "
                 "(tiêu chí được 0 điểm). Hạn của từng văn bản hiện ở cột bên phải ô ngày."),
        ("item", "Tỉ lệ: gõ số phần trăm, ví dụ 75,7 (ô đã định dạng %, Excel hiểu là 75,7%)."),
        ("item", "Số lượng: số nguyên không âm (0, 1, 2, …). Số lần nhập số liệu trễ để trống được hiểu là 0."),
        ("item", "Mức đạt được: bấm mũi tên bên phải ô và chọn một dòng trong danh sách."),
        ("item", f"Tiêu chí có dòng “Không áp dụng với đơn vị?”: chọn “{nf.NA_CHOICE}” nếu tiêu chí không áp dụng; "
                 f"“Điểm tính” hiện {nf.NA_TEXT}, điểm chuẩn được hạ tương ứng và Sở TTTT sẽ xác nhận. Khi mẫu số "
                 f"(tổng số) bằng 0, tiêu chí cũng hiện {nf.NA_TEXT} nếu Quyết định cho phép hạ điểm chuẩn."),
        ("item", "Điểm tự chấm: số điểm đơn vị tự đánh giá, từ 0 đến điểm chuẩn. Nếu khác “Điểm tính”, ô chuyển màu "
                 "đỏ: kiểm tra lại số liệu hoặc giải thích ở cột Ghi chú."),
        ("item", "Căn cứ tính điểm: ghi số, ngày văn bản, nguồn số liệu chứng minh (khi chọn ô, Excel nhắc căn cứ "
                 "mà Quyết định yêu cầu)."),
        ("head", "3. Ý nghĩa màu sắc"),
        ("legend", (S.INPUT_FILL, "Nền vàng: ô đơn vị nhập (số liệu, điểm tự chấm, căn cứ, ghi chú).")),
        ("legend", (S.COMPUTED_FILL, "Nền xanh: ô tự động tính hoặc do Sở TTTT ghi, đã khóa.")),
        ("legend", (S.GROUP_FILL, "Nền xám: nhóm tiêu chí và dòng tổng cộng (cộng điểm các mục con).")),
        ("legend", (S.MISMATCH_FILL, "Nền đỏ: điểm tự chấm khác điểm tính hoặc vượt điểm chuẩn.")),
        ("legend", (S.ERROR_FILL, "Tô đỏ (cả ô số liệu, căn cứ, trạng thái): lỗi cần sửa — cột “Trạng thái” nói lý do.")),
        ("legend", (S.WARNING_FILL, "Tô cam: cảnh báo, cần xem lại (ví dụ chưa ghi căn cứ, văn bản chưa ban hành).")),
        ("legend", (None, f"{nf.NA_TEXT}: không áp dụng (không tính vào tổng, điểm chuẩn được hạ). "
                          f"“{nf.PENDING_TEXT}”: tiêu chí so sánh giữa các đơn vị, Sở TTTT tính khi tổng hợp.")),
        ("head", "4. Tính lại và kiểm tra"),
        ("item", mode),
        ("item", f"Tự kiểm tra (không cần cài thêm gì): cột “Trạng thái” của mỗi tiêu chí nói lỗi đầu tiên cần sửa "
                 f"(thiếu số liệu, gõ chữ vào ô số hoặc ngày, số ngoài phạm vi, điểm tự chấm khác điểm tính, chưa ghi "
                 f"căn cứ…) hoặc “Đạt”; ô có lỗi được tô màu. Dòng đầu trang “{L.SHEET_SCORE}” tóm tắt số lỗi và "
                 f"cảnh báo; trang “{L.SHEET_CHECK}” liệt kê chúng, bấm vào ô để tới nơi cần sửa. Sửa đến khi "
                 "hiện “Không có lỗi” rồi hãy gửi."),
        ("item", "Excel tự tính lại khi mở tệp và khi nhập số liệu. Nếu thấy điểm chưa cập nhật: bấm F9 "
                 "(Ctrl+Alt+F9 để tính lại toàn bộ). LibreOffice: Dữ liệu › Tính toán › Tính lại vô điều kiện "
                 "(Ctrl+Shift+F9)."),
        ("item", "Nút “Tính lại & kiểm tra” (có trên máy đã cài phần bổ trợ dtscore): tính lại mọi điểm bằng chương "
                 "trình chấm điểm của Sở TTTT, ghi trang “Kiểm tra” liệt kê lỗi và cảnh báo kèm liên kết tới ô cần sửa. "
                 "Bấm nút này trước khi gửi."),
        ("head", "5. Gửi biểu mẫu"),
        ("item", "Lưu tệp dạng Excel (.xlsx), giữ nguyên tên các trang tính. In trang “Chấm điểm” (khổ A4 ngang), "
                 "Thủ trưởng đơn vị ký, đóng dấu; gửi tệp Excel và bản ký về Sở TTTT theo thời hạn quy định."),
    ]


def write_guide(ws, cs, level, year, formulas):
    ws.column_dimensions["A"].width = 6
    ws.column_dimensions["B"].width = 110
    row, number = 1, 0
    for kind, content in _paragraphs(cs, level, year, formulas):
        a, b = ws[f"A{row}"], ws[f"B{row}"]
        if kind == "title":
            ws.merge_cells(f"A{row}:B{row}")
            a.value, a.font, a.alignment = content, S.TITLE, S.WRAP_CENTER
            ws.row_dimensions[row].height = 22
        elif kind == "note":
            ws.merge_cells(f"A{row}:B{row}")
            a.value, a.font, a.alignment = content, S.font(italic=True), S.WRAP_CENTER
            ws.row_dimensions[row].height = L.height_for(L.text_lines(content, 120, 11), 11)
            row += 1
        elif kind == "head":
            row += 1
            ws.merge_cells(f"A{row}:B{row}")
            a = ws[f"A{row}"]
            a.value, a.font = content, S.SUBTITLE
            number = 0
        elif kind == "item":
            number += 1
            a.value, a.font, a.alignment = f"{number}.", S.font(size=12), S.TOP_RIGHT
            b.value, b.font, b.alignment = content, S.font(size=12), S.WRAP_TOP
            ws.row_dimensions[row].height = L.height_for(L.text_lines(content, 108, 12), 12)
        else:  # legend: a coloured sample and its meaning
            fill, text = content
            if fill is not None:
                a.fill = fill
            a.border = S.BORDER
            b.value, b.font, b.alignment = text, S.font(size=12), S.WRAP_TOP
            ws.row_dimensions[row].height = L.height_for(L.text_lines(text, 108, 12), 12)
        row += 1
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    S.page_setup(ws, landscape=False, area=f"A1:B{row}")
    ws.sheet_view.showGridLines = False
