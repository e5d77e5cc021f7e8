"""How the documents in this folder were made. Run once, by hand; the documents are committed.

    cd /work/wt-layouts && PYTHONPATH=. .venv/bin/python tests/readers/independent/build.py

Each document below is written the way one school wrote it (its own wording, layout and
habits), and its answer next to it is typed from that content by hand: criteria, tasks as
written, owners as written, timelines as written, checkpoints. Nothing here imports the reader
or the generator (tests/readers/plangen.py); nothing is tuned to what the reader makes of it.

Formats the reader may not take yet are made from a .docx written here: Word 97 and PDF with
LibreOffice (`soffice --headless --convert-to doc|pdf`), TCVN3 with glibc's `iconv -t
TCVN5712-1`, VNI with the table of an independent converter (lamdao/xvnkb, vni.h; GPL-2,
used here only to write the test document)."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
import tempfile
import unicodedata
from pathlib import Path

import docx
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from openpyxl import Workbook

HERE = Path(__file__).resolve().parent


# ---------------------------------------------------------------- answers

class Answer:
    """The plan a document states, typed as it is written there."""

    def __init__(self, framework: str, level: str, school_year: str) -> None:
        self.data = {"framework": framework, "level": level, "school_year": school_year,
                     "criteria": {}, "checkpoints": []}

    def task(self, ids: str, text: str, owners: list[str] | None = None,
             timeline: str | None = None) -> None:
        for cid in ids.split():
            self.data["criteria"].setdefault(cid, []).append(
                {"text": text, "owners": owners or [], "timeline": timeline})

    def checkpoint(self, when: str) -> None:
        self.data["checkpoints"].append(when)

    def write(self, name: str) -> None:
        (HERE / f"{name}.answer.json").write_text(
            json.dumps(self.data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


# ---------------------------------------------------------------- Word helpers

def new_doc() -> docx.Document:
    document = docx.Document()
    document.styles["Normal"].font.name = "Times New Roman"
    return document


def table(document, rows: list[list[str]], merges=()) -> object:
    grid = document.add_table(rows=len(rows), cols=len(rows[0]))
    grid.style = "Table Grid"
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            grid.cell(r, c).text = value
    for r0, c0, r1, c1 in merges:
        keep = grid.cell(r0, c0).text
        merged = grid.cell(r0, c0).merge(grid.cell(r1, c1))
        merged.text = keep
    return grid


def letterhead(document, above: str, school: str) -> None:
    grid = document.add_table(rows=2, cols=2)
    grid.cell(0, 0).text = above
    grid.cell(1, 0).text = school.upper()
    grid.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    grid.cell(1, 1).text = "Độc lập - Tự do - Hạnh phúc"


def paras(document, *texts: str) -> None:
    for text in texts:
        document.add_paragraph(text)


# ---------------------------------------------------------------- 1. 57/2026, «Gắn với tiêu chí»

def thpt_tt57_gan_tieu_chi() -> None:
    name = "thpt-tt57-gan-tieu-chi"
    answer = Answer("TT57/2026", "thpt", "2026-2027")
    d = new_doc()
    letterhead(d, "SỞ GD&ĐT QUẢNG NAM", "Trường THPT Phan Châu Trinh")
    paras(d, "KẾ HOẠCH CẢI TIẾN CHẤT LƯỢNG GIÁO DỤC", "Năm học 2026-2027",
          "I. THÔNG TIN CHUNG",
          "Trường THPT Phan Châu Trinh có 42 lớp, 1.760 học sinh, 96 cán bộ, giáo viên, nhân viên.",
          "II. CĂN CỨ XÂY DỰNG KẾ HOẠCH",
          "Căn cứ Thông tư số 57/2026/TT-BGDĐT ngày 07/7/2026 của Bộ Giáo dục và Đào tạo quy định "
          "về kiểm định chất lượng giáo dục và công nhận đạt chuẩn quốc gia;",
          "Căn cứ kết quả tự đánh giá năm học 2025-2026 của nhà trường.",
          "III. MỤC ĐÍCH, YÊU CẦU",
          "Tập trung vào các vấn đề ưu tiên, không dàn trải cho mọi tiêu chí.",
          "IV. CÁC VẤN ĐỀ TRỌNG TÂM CẦN CẢI TIẾN")
    table(d, [["TT", "Tiêu chuẩn", "Tiêu chí liên quan", "Đánh giá hiện trạng", "Điểm hạn chế",
               "Nguyên nhân"],
              ["1", "Tiêu chuẩn 2", "Tiêu chí 2.2", "Giáo viên đủ về số lượng",
               "Một số giáo viên còn lúng túng khi dạy học theo chủ đề liên môn",
               "Ít được bồi dưỡng chuyên sâu"],
              ["2", "Tiêu chuẩn 3", "Tiêu chí 3.2, 3.4", "Đổi mới kiểm tra, đánh giá đã triển khai",
               "Theo dõi sự tiến bộ của học sinh chưa thường xuyên",
               "Chưa có công cụ theo dõi chung"],
              ["3", "Tiêu chuẩn 4", "Tiêu chí 4.1", "Phòng học bộ môn đủ",
               "Thiết bị phòng Hóa, Sinh xuống cấp", "Kinh phí hạn chế"]])
    paras(d, "V. KẾ HOẠCH CẢI TIẾN")
    rows = [["TT vấn đề", "Gắn với tiêu chí", "Nội dung/giải pháp cải tiến", "Chỉ số đánh giá",
             "Thời gian thực hiện", "Đơn vị/cá nhân phụ trách", "Minh chứng dự kiến"]]

    def row(issue, ids, text, index, when, owner, proof):
        rows.append([issue, ids, text, index, when, owner, proof])
        answer.task(" ".join(i.strip() for i in ids.replace(",", " ").split()), text,
                    [owner], when)

    row("1", "2.2", "Tổ chức 4 chuyên đề dạy học tích hợp liên môn cấp trường",
        "100% tổ chuyên môn có chuyên đề", "Tháng 10/2026 - Tháng 3/2027", "Phó Hiệu trưởng chuyên môn",
        "Biên bản sinh hoạt chuyên môn")
    row("1", "2.2", "Cử giáo viên cốt cán tham gia bồi dưỡng trên hệ thống TEMIS",
        "20 giáo viên hoàn thành mô-đun", "Học kỳ I", "Tổ trưởng chuyên môn",
        "Giấy chứng nhận")
    row("1", "2.2", "Dự giờ, góp ý giáo viên trẻ mỗi tháng ít nhất 2 tiết",
        "Mỗi giáo viên trẻ được dự 2 tiết/tháng", "Hằng tháng", "Tổ trưởng chuyên môn",
        "Phiếu dự giờ")
    row("2", "3.2", "Xây dựng sổ theo dõi sự tiến bộ của học sinh trên phần mềm quản lý",
        "100% lớp cập nhật", "Quý I năm 2027", "Phó Hiệu trưởng phụ trách CNTT",
        "Dữ liệu phần mềm")
    row("2", "3.4", "Giáo viên chủ nhiệm rà soát học sinh cần hỗ trợ và lập kế hoạch hỗ trợ cá nhân",
        "Mỗi học sinh cần hỗ trợ có kế hoạch", "Hằng quý", "Giáo viên chủ nhiệm",
        "Kế hoạch hỗ trợ cá nhân")
    row("3", "4.1", "Sửa chữa, bổ sung thiết bị phòng thực hành Hóa học, Sinh học",
        "Thiết bị đạt danh mục tối thiểu", "Quý 2/2027", "Kế toán", "Hồ sơ mua sắm")
    row("3", "4.1", "Lập sổ theo dõi sử dụng thiết bị tại từng phòng bộ môn",
        "Sổ cập nhật hằng tuần", "Hằng tuần", "Nhân viên thiết bị", "Sổ theo dõi")
    table(d, rows)
    paras(d, "VI. THEO DÕI, ĐÁNH GIÁ")
    table(d, [["Thời điểm", "Nội dung theo dõi", "Kết quả thực hiện", "Điều chỉnh (nếu có)",
               "Người đánh giá"],
              ["Cuối học kỳ I", "Tiến độ các giải pháp của vấn đề 1 và 2", "", "", "Hội đồng tự đánh giá"],
              ["Cuối năm học", "Toàn bộ các chỉ số đánh giá", "", "", "Hiệu trưởng"]])
    answer.checkpoint("Cuối học kỳ I")
    answer.checkpoint("Cuối năm học")
    paras(d, "VII. TỔ CHỨC THỰC HIỆN",
          "Các tổ chuyên môn, tổ văn phòng căn cứ kế hoạch triển khai thực hiện.",
          "HIỆU TRƯỞNG", "Lê Văn Hải")
    d.save(HERE / f"{name}.docx")
    answer.write(name)


# ---------------------------------------------------------------- 2. tab-separated 2018 table

def thcs_2018_tab_export() -> None:
    name = "thcs-2018-xuat-tab"
    answer = Answer("TT18/2018", "thcs", "2021-2022")
    lines = ["PHÒNG GD&ĐT HUYỆN ĐÔNG ANH",
             "TRƯỜNG THCS CỔ LOA",
             "KẾ HOẠCH CẢI TIẾN CHẤT LƯỢNG NĂM HỌC 2021-2022",
             "Căn cứ Thông tư số 18/2018/TT-BGDĐT ngày 22/8/2018 của Bộ GD&ĐT;",
             "Nhà trường xây dựng kế hoạch cải tiến chất lượng như sau:",
             "",
             "TT\tTiêu chí\tKết quả cần đạt\tCông việc cần làm\tNgười thực hiện\t\tThời gian\t\tGhi chú",
             "\t\t\t\tChủ trì\tPhối hợp\tBắt đầu\tHoàn thành\t"]

    def row(number, cid, target, text, lead, helper, start, end, note=""):
        lines.append("\t".join([number, cid, target, text, lead, helper, start, end, note]))
        timeline = f"{start} – {end}" if start and end else (start or end or None)
        answer.task(row.current, text, [p for p in (lead, helper) if p], timeline)

    row.current = "1.4"
    row("1", "Tiêu chí 1.4", "Đạt Mức 2", "Kiện toàn tổ chuyên môn, phân công tổ phó",
        "Hiệu trưởng", "Tổ trưởng", "9/2021", "10/2021")
    row("", "", "", "Xây dựng kế hoạch sinh hoạt chuyên môn theo nghiên cứu bài học",
        "Phó hiệu trưởng", "Tổ trưởng", "9/2021", "Năm 2022")
    row.current = "2.2"
    row("2", "Tiêu chí 2.2", "Đạt Mức 2", "Cử giáo viên học nâng chuẩn trình độ đại học",
        "Hiệu trưởng", "", "Năm 2022", "")
    row("", "", "", "Tổ chức thao giảng mỗi giáo viên 2 tiết/năm", "Tổ trưởng", "Giáo viên",
        "10/2021", "4/2022")
    row("", "", "", "Bồi dưỡng ứng dụng công nghệ thông tin trong dạy học trực tuyến",
        "Phó hiệu trưởng", "Tổ Tin học", "Hằng tuần", "")
    row("", "", "", "Kiểm tra hồ sơ chuyên môn của giáo viên", "Ban giám hiệu", "Tổ trưởng",
        "Hằng tháng", "")
    row.current = "3.6"
    row("3", "Tiêu chí 3.6", "Đạt Mức 2",
        "Bổ sung 300 đầu sách tham khảo cho thư viện", "Kế toán", "Nhân viên thư viện",
        "Quý I năm 2022", "")
    row("", "", "", "Tổ chức ngày hội đọc sách", "Nhân viên thư viện", "Tổng phụ trách Đội",
        "4/2022", "4/2022")
    lines.append("")
    lines.append("Nơi nhận: - Phòng GD&ĐT; - Lưu VT.\tHIỆU TRƯỞNG")
    (HERE / f"{name}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    answer.write(name)


# ---------------------------------------------------------------- 3. self-assessment report

def tieu_hoc_bao_cao_tu_danh_gia() -> None:
    name = "tieu-hoc-bao-cao-tu-danh-gia"
    answer = Answer("TT17/2018", "tieu_hoc", "2022-2023")
    d = new_doc()
    letterhead(d, "PHÒNG GD&ĐT THÀNH PHỐ HUẾ", "Trường Tiểu học Vĩnh Ninh")
    paras(d, "BÁO CÁO TỰ ĐÁNH GIÁ", "Năm học 2022-2023",
          "Căn cứ Thông tư số 17/2018/TT-BGDĐT ngày 22 tháng 8 năm 2018 của Bộ Giáo dục và Đào tạo;",
          "Phần I. CƠ SỞ DỮ LIỆU",
          "Trường có 24 lớp với 812 học sinh.",
          "Phần II. TỰ ĐÁNH GIÁ",
          "A. ĐÁNH GIÁ THEO TIÊU CHÍ MỨC 1, 2 VÀ 3",
          "Tiêu chuẩn 1: Tổ chức và quản lý nhà trường",
          "Tiêu chí 1.5: Khối lớp và tổ chức lớp học",
          "Mức 1", "a) Có đủ các khối lớp của cấp học;", "Mức 2",
          "Lớp học được tổ chức theo quy định.",
          "1. Mô tả hiện trạng",
          "Mức 1: Trường có đủ 5 khối lớp [H1-1.5-01].",
          "2. Điểm mạnh", "Các lớp có sĩ số hợp lý.",
          "3. Điểm yếu", "Một số lớp khối 1 còn vượt 35 học sinh.",
          "4. Kế hoạch cải tiến chất lượng",
          "Năm học 2023-2024, Hiệu trưởng tham mưu Phòng GD&ĐT phân bổ học sinh khối 1 hợp lý hơn.",
          "Mức 2",
          "Phó Hiệu trưởng chỉ đạo giáo viên chủ nhiệm xây dựng nề nếp lớp học tự quản",
          "ngay từ đầu năm học.",
          "5. Tự đánh giá: Đạt Mức 2",
          "Tiêu chuẩn 3: Cơ sở vật chất và thiết bị dạy học",
          "Tiêu chí 3.6: Thư viện",
          "1. Mô tả hiện trạng", "Thư viện đạt chuẩn theo quy định [H3-3.6-01].",
          "2. Điểm mạnh", "Có góc đọc ở mỗi lớp.",
          "3. Điểm yếu", "Sách tham khảo còn ít.",
          "4. Kế hoạch cải tiến chất lượng",
          "Nhân viên thư viện và Tổng phụ trách Đội vận động phụ huynh tặng sách cho góc đọc "
          "trong học kỳ I.",
          "Mức 3",
          "Kế toán lập dự toán mua bổ sung sách tham khảo từ tháng 9/2023 đến tháng 12/2023.",
          "5. Tự đánh giá: Đạt Mức 1",
          "Phần III. KẾT LUẬN CHUNG",
          "Số lượng tiêu chí đạt Mức 2: 20.")
    answer.task("1.5", "Năm học 2023-2024, Hiệu trưởng tham mưu Phòng GD&ĐT phân bổ học sinh "
                "khối 1 hợp lý hơn.", ["Hiệu trưởng"], "Năm học 2023-2024")
    answer.task("1.5", "Phó Hiệu trưởng chỉ đạo giáo viên chủ nhiệm xây dựng nề nếp lớp học tự quản "
                "ngay từ đầu năm học.", ["Phó Hiệu trưởng"], None)
    answer.task("3.6", "Nhân viên thư viện và Tổng phụ trách Đội vận động phụ huynh tặng sách cho "
                "góc đọc trong học kỳ I.", ["Nhân viên thư viện", "Tổng phụ trách Đội"], "học kỳ I")
    answer.task("3.6", "Kế toán lập dự toán mua bổ sung sách tham khảo từ tháng 9/2023 đến tháng "
                "12/2023.", ["Kế toán"], "từ tháng 9/2023 đến tháng 12/2023")
    d.save(HERE / f"{name}.docx")
    answer.write(name)


# ---------------------------------------------------------------- 4. text export of a mixed plan

def thcs_ket_hop_xuat_van_ban() -> None:
    name = "thcs-ket-hop-xuat-van-ban"
    answer = Answer("TT18/2018", "thcs", "2023-2024")
    lines = ["UBND QUẬN LONG BIÊN", "TRƯỜNG THCS THƯỢNG THANH", "",
             "KẾ HOẠCH CẢI TIẾN CHẤT LƯỢNG GIÁO DỤC NĂM HỌC 2023-2024",
             "Căn cứ Thông tư 18/2018/TT-BGDĐT;", "",
             "I. CẢI TIẾN THEO TIÊU CHÍ", "",
             "Tiêu chí 1.10: Đảm bảo an ninh trật tự, an toàn trường học",
             "Mục tiêu: Duy trì Mức 3.",
             "Giải pháp:",
             "- Phối hợp công an phường tổ chức tuyên truyền an toàn giao thông đầu năm.",
             "- Kiểm tra hệ thống phòng cháy chữa cháy định kỳ.",
             "Tiêu chí 5.4: Các hoạt động trải nghiệm và hướng nghiệp",
             "Mục tiêu: Đạt Mức 3.",
             "Giải pháp:",
             "- Tổ chức tham quan làng nghề Bát Tràng cho khối 8.",
             "", "II. BẢNG PHÂN CÔNG", "",
             "Tiêu chí", "Nội dung công việc", "Người phụ trách", "Thời gian", "Kết quả", "Đạt",
             "1.10", "Lắp camera giám sát cổng trường", "Kế toán", "Quý I năm 2024",
             "Camera hoạt động", "",
             "5.4", "Mời chuyên gia tư vấn hướng nghiệp cho học sinh lớp 9", "Phó hiệu trưởng",
             "Tháng 3/2024", "100% học sinh lớp 9 được tư vấn", "",
             "", "Nơi nhận:", "- Như trên;", "- Lưu: VT."]
    answer.task("1.10", "Phối hợp công an phường tổ chức tuyên truyền an toàn giao thông đầu năm.")
    answer.task("1.10", "Kiểm tra hệ thống phòng cháy chữa cháy định kỳ.")
    answer.task("1.10", "Lắp camera giám sát cổng trường", ["Kế toán"], "Quý I năm 2024")
    answer.task("5.4", "Tổ chức tham quan làng nghề Bát Tràng cho khối 8.")
    answer.task("5.4", "Mời chuyên gia tư vấn hướng nghiệp cho học sinh lớp 9", ["Phó hiệu trưởng"],
                "Tháng 3/2024")
    (HERE / f"{name}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    answer.write(name)


# ---------------------------------------------------------------- 5. kindergarten prose

def mam_non_van_xuoi() -> None:
    name = "mam-non-van-xuoi"
    answer = Answer("TT19/2018", "mam_non", "2021-2022")
    d = new_doc()
    letterhead(d, "UBND HUYỆN MƯỜNG ẢNG", "Trường Mầm non Hoa Ban")
    paras(d, "KẾ HOẠCH CẢI TIẾN CHẤT LƯỢNG NĂM HỌC 2021 - 2022",
          "Căn cứ Thông tư số 19/2018/TT-BGDĐT ngày 22/8/2018 ban hành Quy định về kiểm định chất "
          "lượng giáo dục và công nhận đạt chuẩn quốc gia đối với trường mầm non;",
          "Tiêu chuẩn 3. Cơ sở vật chất và trang thiết bị dạy học",
          "Tiêu chí 3.1. Diện tích, khuôn viên và sân vườn",
          "Mục tiêu: Sân vườn có khu vui chơi thiên nhiên cho trẻ.",
          "Biện pháp:",
          "+ Cải tạo vườn rau, vườn cổ tích của trường.",
          "+ Vận động phụ huynh góp cây xanh, chậu hoa.",
          "Người thực hiện: Phó hiệu trưởng; Tổ trưởng chuyên môn",
          "Thời gian: Năm 2022",
          "Tiêu chí 3.5. Thiết bị, đồ dùng, đồ chơi",
          "Mục tiêu: Đủ đồ chơi ngoài trời theo danh mục tối thiểu.",
          "Biện pháp:",
          "+ Kiểm kê đồ dùng, đồ chơi và lập danh sách đồ chơi hỏng cần thay.",
          "+ Giáo viên làm đồ dùng tự tạo từ nguyên liệu sẵn có.",
          "Người thực hiện: Kế toán",
          "Thời gian: Hằng tuần",
          "Tiêu chuẩn 5. Hoạt động và kết quả nuôi dưỡng, chăm sóc, giáo dục trẻ",
          "Tiêu chí 5.3. Kết quả nuôi dưỡng và chăm sóc sức khỏe",
          "Mục tiêu: Giảm tỉ lệ trẻ suy dinh dưỡng xuống dưới 3%.",
          "Biện pháp:",
          "+ Cân, đo và theo dõi biểu đồ tăng trưởng của trẻ.",
          "Người thực hiện: Nhân viên y tế",
          "Thời gian: Hằng quý",
          "HIỆU TRƯỞNG", "Lò Thị Mai")
    for text in ("Cải tạo vườn rau, vườn cổ tích của trường.",
                 "Vận động phụ huynh góp cây xanh, chậu hoa."):
        answer.task("3.1", text, ["Phó hiệu trưởng", "Tổ trưởng chuyên môn"], "Năm 2022")
    for text in ("Kiểm kê đồ dùng, đồ chơi và lập danh sách đồ chơi hỏng cần thay.",
                 "Giáo viên làm đồ dùng tự tạo từ nguyên liệu sẵn có."):
        answer.task("3.5", text, ["Kế toán"], "Hằng tuần")
    answer.task("5.3", "Cân, đo và theo dõi biểu đồ tăng trưởng của trẻ.", ["Nhân viên y tế"],
                "Hằng quý")
    d.save(HERE / f"{name}.docx")
    answer.write(name)


# ---------------------------------------------------------------- 6. GDTX numbered lists

def gdtx_tt57_danh_sach() -> None:
    name = "gdtx-tt57-danh-sach"
    answer = Answer("TT57/2026", "gdtx", "2026-2027")
    d = new_doc()
    letterhead(d, "SỞ GD&ĐT PHÚ THỌ", "Trung tâm GDNN-GDTX huyện Tam Nông")
    paras(d, "KẾ HOẠCH CẢI TIẾN CHẤT LƯỢNG NĂM HỌC 2026-2027",
          "Căn cứ Thông tư 57/2026/TT-BGDĐT của Bộ Giáo dục và Đào tạo;",
          "Trung tâm xây dựng kế hoạch cải tiến với các tiêu chí sau:",
          "1. Tiêu chí 2.2: Giáo viên",
          "Mục tiêu cải tiến: 100% giáo viên đạt chuẩn nghề nghiệp mức khá trở lên.",
          "Giải pháp:",
          "a) Tổ chức bồi dưỡng phương pháp dạy học cho người lớn tuổi.",
          "b) Giáo viên tự đánh giá theo chuẩn nghề nghiệp.",
          "Người phụ trách: Phó Giám đốc",
          "Thời gian thực hiện: Quý I năm 2027",
          "2. Tiêu chí 3.4: Quản lý, theo dõi, hỗ trợ học viên và giáo dục hòa nhập",
          "Mục tiêu cải tiến: Giảm tỉ lệ học viên bỏ học xuống dưới 5%.",
          "Giải pháp:",
          "a) Giáo viên chủ nhiệm liên hệ gia đình học viên nghỉ học quá 3 buổi.",
          "Người phụ trách: Giáo viên chủ nhiệm",
          "Thời gian thực hiện: Hằng tuần",
          "3. Tiêu chí 4.3: Phối hợp với gia đình, cộng đồng và tổ chức liên quan",
          "Mục tiêu cải tiến: Ký kết hợp tác với 3 doanh nghiệp.",
          "Giải pháp:",
          "a) Ký thỏa thuận đào tạo nghề gắn với việc làm cho học viên.",
          "b) Mời doanh nghiệp giới thiệu việc làm cho học viên lớp 12.",
          "Người phụ trách: Giám đốc",
          "Thời gian thực hiện: Quý 2/2027",
          "Nơi nhận: Sở GD&ĐT; Lưu VT.")
    for text in ("Tổ chức bồi dưỡng phương pháp dạy học cho người lớn tuổi.",
                 "Giáo viên tự đánh giá theo chuẩn nghề nghiệp."):
        answer.task("2.2", text, ["Phó Giám đốc"], "Quý I năm 2027")
    answer.task("3.4", "Giáo viên chủ nhiệm liên hệ gia đình học viên nghỉ học quá 3 buổi.",
                ["Giáo viên chủ nhiệm"], "Hằng tuần")
    for text in ("Ký thỏa thuận đào tạo nghề gắn với việc làm cho học viên.",
                 "Mời doanh nghiệp giới thiệu việc làm cho học viên lớp 12."):
        answer.task("4.3", text, ["Giám đốc"], "Quý 2/2027")
    d.save(HERE / f"{name}.docx")
    answer.write(name)


# ---------------------------------------------------------------- 7. primary table (+ .doc, .pdf)

TIEU_HOC_ROWS = [
    ("1.1", "Đạt Mức 2", ["Rà soát, điều chỉnh chiến lược phát triển nhà trường giai đoạn 2024-2029"],
     "Hiệu trưởng", "Tháng 10/2024"),
    ("2.2", "Đạt Mức 3", ["Tổ chức chuyên đề dạy học môn Tiếng Anh theo hướng giao tiếp",
                          "Giáo viên đăng ký và thực hiện nghiên cứu bài học"],
     "Tổ trưởng chuyên môn", "Học kỳ I"),
    ("3.2", "Đạt Mức 2", ["Sơn sửa 6 phòng học khối 1"], "Kế toán", "Tháng 8/2024 - Tháng 9/2024"),
    ("5.3", "Đạt Mức 2", ["Tổ chức ngày hội Tiếng Việt của chúng em"], "Tổng phụ trách Đội",
     "Tháng 3/2025"),
]


def tieu_hoc_bang(name: str = "tieu-hoc-bang", school: str = "Trường Tiểu học Kim Đồng",
                  rows=TIEU_HOC_ROWS) -> docx.Document:
    answer = Answer("TT17/2018", "tieu_hoc", "2024-2025")
    d = new_doc()
    letterhead(d, "PHÒNG GD&ĐT QUẬN BA ĐÌNH", school)
    paras(d, "KẾ HOẠCH CẢI TIẾN CHẤT LƯỢNG", "NĂM HỌC 2024-2025",
          "Căn cứ Thông tư 17/2018/TT-BGDĐT ngày 22/8/2018;")
    grid = [["TT", "Tiêu chí", "Kết quả cần đạt", "Công việc cần thực hiện", "Người phụ trách",
             "Thời gian"]]
    for number, (cid, target, tasks, owner, when) in enumerate(rows, 1):
        grid.append([str(number), f"Tiêu chí {cid}", target, "\n".join(f"- {t}" for t in tasks),
                     owner, when])
        for text in tasks:
            answer.task(cid, text, [owner], when)
    table(d, grid)
    paras(d, "HIỆU TRƯỞNG", "Nguyễn Thị Lan")
    d.save(HERE / f"{name}.docx")
    answer.write(name)
    return d


def converted(source: str, fmt: str) -> None:
    """The same plan saved by LibreOffice as Word 97 or PDF; its answer is the source's."""
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(["soffice", "--headless", "--convert-to", fmt, "--outdir", folder,
                        str(HERE / f"{source}.docx")], check=True, capture_output=True,
                       timeout=120)
        shutil.copy(Path(folder) / f"{source}.{fmt}", HERE / f"{source}-ban-{fmt}.{fmt}")
    shutil.copy(HERE / f"{source}.answer.json", HERE / f"{source}-ban-{fmt}.answer.json")


# ---------------------------------------------------------------- 8, 9. legacy fonts

def legacy_font(name: str, font: str, encode) -> None:
    """The primary table again, every run's text in a legacy encoding under its font."""
    rows = [("1.5", "Đạt Mức 2", ["Sắp xếp lại sĩ số các lớp khối 1"], "Hiệu trưởng", "Tháng 8/2024"),
            ("3.6", "Đạt Mức 2", ["Bổ sung sách thiếu nhi cho thư viện xanh"], "Nhân viên thư viện",
             "Học kỳ II")]
    d = tieu_hoc_bang(name, "Trường Tiểu học Hòa Bình", rows)
    for run in d.element.body.iter(qn("w:r")):
        for text in run.iter(qn("w:t")):
            text.text = encode(text.text)
        props = run.find(qn("w:rPr"))
        if props is None:
            props = run.makeelement(qn("w:rPr"), {})
            run.insert(0, props)
        props.append(parse_xml(f'<w:rFonts {nsdecls("w")} w:ascii="{font}" w:hAnsi="{font}"/>'))
    d.save(HERE / f"{name}.docx")


def tcvn3(text: str) -> str:
    """glibc's TCVN5712-1 bytes, shown as the .VnTime font draws them (one byte, one glyph)."""
    data = subprocess.run(["iconv", "-f", "UTF-8", "-t", "TCVN5712-1"], input=text.encode(),
                          capture_output=True, check=True).stdout
    return "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in data)


# lamdao/xvnkb vni.h: for each base letter, the VNI-Windows strings of its six tones
# (none, sắc, huyền, hỏi, ngã, nặng); lower case is the same with the letters lowered.
VNI_UPPER = {
    "A": ["A", "AÙ", "AØ", "AÛ", "AÕ", "AÏ"], "Â": ["AÂ", "AÁ", "AÀ", "AÅ", "AÃ", "AÄ"],
    "Ă": ["AÊ", "AÉ", "AÈ", "AÚ", "AÜ", "AË"], "E": ["E", "EÙ", "EØ", "EÛ", "EÕ", "EÏ"],
    "Ê": ["EÂ", "EÁ", "EÀ", "EÅ", "EÃ", "EÄ"], "O": ["O", "OÙ", "OØ", "OÛ", "OÕ", "OÏ"],
    "Ô": ["OÂ", "OÁ", "OÀ", "OÅ", "OÃ", "OÄ"], "Ơ": ["Ô", "ÔÙ", "ÔØ", "ÔÛ", "ÔÕ", "ÔÏ"],
    "U": ["U", "UÙ", "UØ", "UÛ", "UÕ", "UÏ"], "Ư": ["Ö", "ÖÙ", "ÖØ", "ÖÛ", "ÖÕ", "ÖÏ"],
    "I": ["I", "Í", "Ì", "Æ", "Ó", "Ò"], "Y": ["Y", "YÙ", "YØ", "YÛ", "YÕ", "Î"], "Đ": ["Ñ"],
}
TONES = ["", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"]


def vni(text: str) -> str:
    out = []
    for char in text:
        base = unicodedata.normalize("NFD", char)
        tone = next((i for i, mark in enumerate(TONES) if mark and mark in base), 0)
        letter = unicodedata.normalize("NFC", base.replace(TONES[tone], "") if tone else base)
        upper = letter.upper()
        if upper in VNI_UPPER and (tone or upper not in "AEOUIY"):
            code = VNI_UPPER[upper][tone]
            out.append(code if letter.isupper() else code.lower())
        else:
            out.append(char)
    return "".join(out)


# ---------------------------------------------------------------- 10. cover-sheet workbook

def thpt_so_tay_bia() -> None:
    name = "thpt-nhieu-trang-tinh"
    answer = Answer("TT18/2018", "thpt", "2025-2026")
    book = Workbook()
    cover = book.active
    cover.title = "Bia"
    for r, value in enumerate(["SỞ GD&ĐT ĐỒNG THÁP", "TRƯỜNG THPT THÁP MƯỜI", "",
                               "KẾ HOẠCH CẢI TIẾN CHẤT LƯỢNG", "NĂM HỌC 2025-2026",
                               "(Theo Thông tư 18/2018/TT-BGDĐT)"], 1):
        cover.cell(r, 1).value = value or None
    tasks = book.create_sheet("Ke hoach")
    tasks.append(["STT", "Tiêu chí", "Nội dung công việc", "Người thực hiện", "Thời gian",
                  "Sản phẩm"])
    data = [("1.8", "Rà soát kế hoạch giáo dục các môn lựa chọn", "Phó hiệu trưởng", "Tháng 9/2025",
             "Kế hoạch được duyệt"),
            ("2.4", "Tổ chức tuần sinh hoạt công dân đầu năm", "Giáo viên chủ nhiệm", "Tháng 9/2025",
             "Biên bản"),
            ("5.6", "Phụ đạo học sinh yếu môn Toán khối 10", "Tổ Toán", "Hằng tuần", "Danh sách"),
            ("5.6", "Ôn thi tốt nghiệp THPT cho khối 12", "Tổ trưởng chuyên môn",
             "Từ tháng 2/2026 đến tháng 5/2026", "Kết quả thi")]
    for number, (cid, text, owner, when, product) in enumerate(data, 1):
        tasks.append([number, cid, text, owner, when, product])
        answer.task(cid, text, [owner], when)
    monitor = book.create_sheet("Theo doi")
    monitor.append(["Thời điểm", "Nội dung kiểm tra", "Người kiểm tra"])
    monitor.append(["Cuối học kỳ I", "Tiến độ các công việc", "Hiệu trưởng"])
    monitor.append(["Cuối năm học", "Kết quả cuối năm", "Hội đồng tự đánh giá"])
    answer.checkpoint("Cuối học kỳ I")
    answer.checkpoint("Cuối năm học")
    book.save(HERE / f"{name}.xlsx")
    answer.write(name)


# ---------------------------------------------------------------- 11. table nested in a cell

def thcs_bang_long() -> None:
    name = "thcs-bang-long-nhau"
    answer = Answer("TT18/2018", "thcs", "2024-2025")
    d = new_doc()
    letterhead(d, "PHÒNG GD&ĐT THÀNH PHỐ VINH", "Trường THCS Đặng Thai Mai")
    paras(d, "KẾ HOẠCH CẢI TIẾN CHẤT LƯỢNG NĂM HỌC 2024-2025",
          "Căn cứ Thông tư 18/2018/TT-BGDĐT;")
    outer = d.add_table(rows=2, cols=1)
    outer.style = "Table Grid"
    outer.cell(0, 0).text = "PHẦN KẾ HOẠCH CỤ THỂ"
    cell = outer.cell(1, 0)
    cell.text = "Các tiêu chí cần cải tiến:"
    inner = cell.add_table(rows=1, cols=4)
    for c, value in enumerate(["Tiêu chí", "Biện pháp", "Người phụ trách", "Thời gian"]):
        inner.cell(0, c).text = value
    for cid, text, owner, when in [
            ("1.9", "Công khai thu chi tài chính trên bảng tin nhà trường", "Kế toán", "Hằng tháng"),
            ("3.4", "Cải tạo khu vệ sinh học sinh dãy nhà B", "Hiệu trưởng", "Tháng 7/2025"),
            ("4.1", "Họp Ban đại diện cha mẹ học sinh đầu năm", "Hiệu trưởng", "Tháng 9/2024")]:
        cells = inner.add_row().cells
        for c, value in enumerate([cid, text, owner, when]):
            cells[c].text = value
        answer.task(cid, text, [owner], when)
    paras(d, "HIỆU TRƯỞNG")
    d.save(HERE / f"{name}.docx")
    answer.write(name)


# ---------------------------------------------------------------- 12. text box

TEXT_BOX = """<w:r {ns}><w:drawing><wp:anchor distT="0" distB="0" distL="0" distR="0"
 simplePos="0" relativeHeight="1" behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1">
<wp:simplePos x="0" y="0"/><wp:positionH relativeFrom="column"><wp:posOffset>0</wp:posOffset>
</wp:positionH><wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset>
</wp:positionV><wp:extent cx="5400000" cy="1800000"/><wp:effectExtent l="0" t="0" r="0" b="0"/>
<wp:wrapTopAndBottom/><wp:docPr id="1" name="Hop van ban 1"/><wp:cNvGraphicFramePr/>
<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">
<wps:wsp><wps:cNvSpPr txBox="1"/><wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="5400000"
 cy="1800000"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></wps:spPr>
<wps:txbx><w:txbxContent>{paras}</w:txbxContent></wps:txbx><wps:bodyPr/></wps:wsp>
</a:graphicData></a:graphic></wp:anchor></w:drawing></w:r>"""
TEXT_BOX_NS = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
               'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
               'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
               'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"')


def mam_non_hop_van_ban() -> None:
    name = "mam-non-hop-van-ban"
    answer = Answer("TT19/2018", "mam_non", "2023-2024")
    d = new_doc()
    letterhead(d, "UBND THỊ XÃ SA PA", "Trường Mầm non Hoa Hồng")
    paras(d, "KẾ HOẠCH CẢI TIẾN CHẤT LƯỢNG NĂM HỌC 2023-2024",
          "Căn cứ Thông tư số 19/2018/TT-BGDĐT;",
          "Tiêu chí 5.2: Tổ chức hoạt động nuôi dưỡng, chăm sóc và giáo dục trẻ",
          "Mục tiêu: Đạt Mức 2.")
    lines = ["Giải pháp:", "- Xây dựng thực đơn theo mùa, cân đối dinh dưỡng.",
             "- Tổ chức cho trẻ trải nghiệm trồng rau tại vườn trường.",
             "Người thực hiện: Phó hiệu trưởng", "Thời gian: Học kỳ II"]
    body = "".join(f"<w:p><w:r><w:t xml:space=\"preserve\">{line}</w:t></w:r></w:p>"
                   for line in lines)
    holder = d.add_paragraph()
    holder._p.append(parse_xml(TEXT_BOX.format(ns=TEXT_BOX_NS, paras=body)))
    for text in ("Xây dựng thực đơn theo mùa, cân đối dinh dưỡng.",
                 "Tổ chức cho trẻ trải nghiệm trồng rau tại vườn trường."):
        answer.task("5.2", text, ["Phó hiệu trưởng"], "Học kỳ II")
    paras(d, "HIỆU TRƯỞNG")
    d.save(HERE / f"{name}.docx")
    answer.write(name)


# ---------------------------------------------------------------- 13. pending tracked changes

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CHANGE = 'w:id="{id}" w:author="Tổ trưởng" w:date="2024-09-20T08:00:00Z"'


def thpt_theo_doi_thay_doi() -> None:
    name = "thpt-thay-doi-chua-chap-nhan"
    answer = Answer("TT18/2018", "thpt", "2024-2025")
    d = new_doc()
    letterhead(d, "SỞ GD&ĐT NGHỆ AN", "Trường THPT Huỳnh Thúc Kháng")
    paras(d, "KẾ HOẠCH CẢI TIẾN CHẤT LƯỢNG NĂM HỌC 2024-2025", "Căn cứ Thông tư 18/2018/TT-BGDĐT;")
    grid = table(d, [["TT", "Tiêu chí", "Công việc", "Người phụ trách", "Thời gian"],
                     ["1", "2.2", "Bồi dưỡng giáo viên dạy môn tích hợp", "Phó hiệu trưởng",
                      "Học kỳ I"],
                     ["2", "3.5", "Kiểm kê thiết bị dạy học", "Nhân viên thiết bị", ""],
                     ["3", "5.1", "Xây dựng kế hoạch giáo dục nhà trường", "Hiệu trưởng",
                      "Tháng 8/2024"],
                     ["4", "5.5", "Mời báo cáo viên nói chuyện chuyên đề kỹ năng sống cho "
                      "khối 10", "Đoàn Thanh niên", "Tháng 11/2024"]])
    rows = grid._tbl.findall(qn("w:tr"))
    # an inserted row (criterion 4.2)
    inserted = copy.deepcopy(rows[3])
    values = iter(["4", "4.2", "Ký kết phối hợp với Công an xã về an ninh trường học",
                   "Hiệu trưởng", "Tháng 10/2024"])
    for cell in inserted.findall(qn("w:tc")):
        cell.find(f"{{{W}}}p").find(f".//{{{W}}}t").text = next(values)
    props = inserted.find(qn("w:trPr"))
    if props is None:
        props = parse_xml(f"<w:trPr {nsdecls('w')}/>")
        inserted.insert(0, props)
    props.append(parse_xml(f"<w:ins {nsdecls('w')} {CHANGE.format(id=1)}/>"))
    for run in inserted.iter(qn("w:r")):
        wrap = parse_xml(f"<w:ins {nsdecls('w')} {CHANGE.format(id=2)}/>")
        run.addprevious(wrap)
        wrap.append(run)
    rows[3].addnext(inserted)
    # the row «5» renumbered: «Tổ trưởng» types the task line and a new timeline «Hằng tháng»
    kiem_ke = grid.cell(2, 2).paragraphs[0]
    kiem_ke.text = "Kiểm kê thiết bị dạy học"
    line = parse_xml(f'<w:p {nsdecls("w")}><w:pPr><w:rPr><w:ins {CHANGE.format(id=3)}/></w:rPr>'
                     f'</w:pPr><w:ins {CHANGE.format(id=4)}><w:r><w:t>Sửa chữa máy chiếu các '
                     f'phòng học</w:t></w:r></w:ins></w:p>')
    kiem_ke._p.addnext(line)
    grid.cell(2, 4).paragraphs[0]._p.append(parse_xml(
        f'<w:ins {nsdecls("w")} {CHANGE.format(id=5)}><w:r><w:t>Hằng tháng</w:t></w:r></w:ins>'))
    # «07» typed inside a sentence, and a word deleted
    plan = grid.cell(3, 2).paragraphs[0]
    plan.text = ""
    plan._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:t xml:space="preserve">Xây dựng kế hoạch '
                             f'giáo dục nhà trường trước ngày </w:t></w:r>'))
    plan._p.append(parse_xml(f'<w:ins {nsdecls("w")} {CHANGE.format(id=6)}><w:r><w:t>07</w:t>'
                             f'</w:r></w:ins>'))
    plan._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:t>/8/2024</w:t></w:r>'))
    lesson = grid.cell(5, 2).paragraphs[0]  # the row inserted above is row 4
    lesson.text = ""
    lesson._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:t xml:space="preserve">Mời báo cáo viên '
                               f'nói chuyện chuyên đề kỹ năng sống </w:t></w:r>'))
    lesson._p.append(parse_xml(f'<w:del {nsdecls("w")} {CHANGE.format(id=7)}><w:r><w:delText '
                               f'xml:space="preserve">cho toàn trường </w:delText></w:r></w:del>'))
    lesson._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:t>cho khối 10</w:t></w:r>'))
    answer.task("2.2", "Bồi dưỡng giáo viên dạy môn tích hợp", ["Phó hiệu trưởng"], "Học kỳ I")
    answer.task("3.5", "Kiểm kê thiết bị dạy học", ["Nhân viên thiết bị"], "Hằng tháng")
    answer.task("3.5", "Sửa chữa máy chiếu các phòng học", ["Nhân viên thiết bị"], "Hằng tháng")
    answer.task("5.1", "Xây dựng kế hoạch giáo dục nhà trường trước ngày 07/8/2024",
                ["Hiệu trưởng"], "Tháng 8/2024")
    answer.task("4.2", "Ký kết phối hợp với Công an xã về an ninh trường học", ["Hiệu trưởng"],
                "Tháng 10/2024")
    answer.task("5.5", "Mời báo cáo viên nói chuyện chuyên đề kỹ năng sống cho khối 10",
                ["Đoàn Thanh niên"], "Tháng 11/2024")
    d.save(HERE / f"{name}.docx")
    answer.write(name)


# ---------------------------------------------------------------- 14, 15. owners with , and -

def owners_plan(name: str, answer: Answer, school: str, above: str, circular: str,
                rows: list[tuple[str, str, str, str]]) -> None:
    d = new_doc()
    letterhead(d, above, school)
    paras(d, f"KẾ HOẠCH CẢI TIẾN CHẤT LƯỢNG NĂM HỌC {answer.data['school_year']}",
          f"Căn cứ Thông tư {circular};")
    grid = [["TT", "Tiêu chí", "Nhiệm vụ", "Người thực hiện", "Thời gian"]]
    for number, (cid, text, owners, when) in enumerate(rows, 1):
        grid.append([str(number), cid, text, owners, when])
    table(d, grid)
    paras(d, "HIỆU TRƯỞNG")
    d.save(HERE / f"{name}.docx")
    answer.write(name)


def mam_non_nhom_lop() -> None:
    answer = Answer("TT19/2018", "mam_non", "2022-2023")
    rows = [("5.2", "Tổ chức hoạt động lễ hội Trung thu cho trẻ", "Giáo viên các nhóm, lớp",
             "Tháng 9/2022"),
            ("2.2", "Bồi dưỡng giáo viên về giáo dục lấy trẻ làm trung tâm", "Phó hiệu trưởng",
             "Học kỳ I")]
    answer.task("5.2", rows[0][1], ["Giáo viên các nhóm, lớp"], "Tháng 9/2022")
    answer.task("2.2", rows[1][1], ["Phó hiệu trưởng"], "Học kỳ I")
    owners_plan("mam-non-nhom-lop", answer, "Trường Mầm non Sen Hồng", "UBND QUẬN HẢI CHÂU",
                "19/2018/TT-BGDĐT", rows)


def thpt_to_su_dia() -> None:
    answer = Answer("TT57/2026", "thpt", "2026-2027")
    rows = [("3.3", "Tổ chức tham quan di tích lịch sử địa phương cho khối 11",
             "Tổ trưởng tổ Sử - Địa - GDKT&PL", "Tháng 11/2026"),
            ("3.2", "Đổi mới kiểm tra đánh giá môn Toán theo định hướng năng lực",
             "Tổ Toán - Tin", "Học kỳ II")]
    answer.task("3.3", rows[0][1], ["Tổ trưởng tổ Sử - Địa - GDKT&PL"], "Tháng 11/2026")
    answer.task("3.2", rows[1][1], ["Tổ Toán - Tin"], "Học kỳ II")
    owners_plan("thpt-to-su-dia", answer, "Trường THPT Lê Quý Đôn", "SỞ GD&ĐT ĐÀ NẴNG",
                "57/2026/TT-BGDĐT", rows)


# ---------------------------------------------------------------- 16, 17. written after the fixes
# Added after the reader was changed for the self-assessment part 4 and the one-cell-a-line
# export (the folder's rule): the same kinds, laid out differently.

def thpt_tt57_bao_cao() -> None:
    name = "thpt-tt57-bao-cao-tu-danh-gia"
    answer = Answer("TT57/2026", "thpt", "2026-2027")
    d = new_doc()
    letterhead(d, "SỞ GD&ĐT CẦN THƠ", "Trường THPT Châu Văn Liêm")
    paras(d, "BÁO CÁO TỰ ĐÁNH GIÁ NĂM HỌC 2026-2027",
          "Thực hiện Thông tư 57/2026/TT-BGDĐT, nhà trường tự đánh giá như sau.",
          "TIÊU CHUẨN 2. PHÁT TRIỂN ĐỘI NGŨ",
          "Tiêu chí 2.3: Nhân sự hỗ trợ giáo dục",
          "1. Mô tả hiện trạng: Trường có 9 nhân viên [MC.2.3.01].",
          "2. Điểm mạnh: Nhân viên đủ vị trí việc làm.",
          "3. Điểm yếu: Nhân viên thiết bị chưa qua bồi dưỡng nghiệp vụ.",
          "4. Kế hoạch cải tiến chất lượng:",
          "Đạt Mức 1:",
          "Trong học kỳ I, Phó Hiệu trưởng cử nhân viên thiết bị dự lớp bồi dưỡng nghiệp vụ.",
          "Hướng tới Mức 2:",
          "Văn thư và Kế toán số hóa hồ sơ lưu trữ của nhà trường trong năm học 2026-2027.",
          "5. Tự đánh giá: Mức 1.",
          "TIÊU CHUẨN 4. ĐIỀU KIỆN GIÁO DỤC, MÔI TRƯỜNG AN TOÀN VÀ PHỐI HỢP XÃ HỘI",
          "Tiêu chí 4.2: Môi trường giáo dục an toàn, tích cực, hỗ trợ phát triển học sinh",
          "1. Mô tả hiện trạng: Nhà trường có phòng tư vấn tâm lý [MC.4.2.02].",
          "2. Điểm mạnh: Không có vụ bạo lực học đường.",
          "3. Điểm yếu: Hoạt động tư vấn chưa thường xuyên.",
          "4. Kế hoạch cải tiến chất lượng:",
          "Hằng tháng, giáo viên tư vấn học đường tổ chức buổi tư vấn tâm lý theo chủ đề",
          "cho học sinh khối 10.",
          "Mức 2",
          "5. Tự đánh giá: Mức 2.",
          "HIỆU TRƯỞNG")
    answer.task("2.3", "Trong học kỳ I, Phó Hiệu trưởng cử nhân viên thiết bị dự lớp bồi dưỡng "
                "nghiệp vụ.", ["Phó Hiệu trưởng"], "học kỳ I")
    answer.task("2.3", "Văn thư và Kế toán số hóa hồ sơ lưu trữ của nhà trường trong năm học "
                "2026-2027.", ["Văn thư", "Kế toán"], "năm học 2026-2027")
    answer.task("4.2", "Hằng tháng, giáo viên tư vấn học đường tổ chức buổi tư vấn tâm lý theo "
                "chủ đề cho học sinh khối 10.", ["giáo viên tư vấn học đường"], "Hằng tháng")
    d.save(HERE / f"{name}.docx")
    answer.write(name)


def gdtx_o_tung_dong() -> None:
    name = "gdtx-xuat-tung-o"
    answer = Answer("TT57/2026", "gdtx", "2026-2027")
    lines = ["TRUNG TÂM GDNN-GDTX QUẬN NINH KIỀU", "",
             "KẾ HOẠCH CẢI TIẾN CHẤT LƯỢNG NĂM HỌC 2026-2027",
             "(theo Thông tư 57/2026/TT-BGDĐT)", "",
             "STT", "Tiêu chí", "Nhiệm vụ", "Đơn vị thực hiện", "Thời hạn", "Ghi chú",
             "1", "Tiêu chí 1.3", "Cập nhật dữ liệu học viên lên hệ thống quản lý", "Phòng Đào tạo",
             "Hằng tháng", "",
             "2", "Tiêu chí 3.5", "Tổ chức kiểm tra đánh giá định kỳ theo đề chung",
             "Tổ Văn hóa", "Cuối học kỳ I", "Bắt buộc",
             "3", "Tiêu chí 4.1", "Sửa chữa phòng máy tính", "Phó Giám đốc", "Quý I năm 2027", "",
             "", "GIÁM ĐỐC"]
    answer.task("1.3", "Cập nhật dữ liệu học viên lên hệ thống quản lý", ["Phòng Đào tạo"],
                "Hằng tháng")
    answer.task("3.5", "Tổ chức kiểm tra đánh giá định kỳ theo đề chung", ["Tổ Văn hóa"],
                "Cuối học kỳ I")
    answer.task("4.1", "Sửa chữa phòng máy tính", ["Phó Giám đốc"], "Quý I năm 2027")
    (HERE / f"{name}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    answer.write(name)


def main() -> None:
    thpt_tt57_gan_tieu_chi()
    thcs_2018_tab_export()
    tieu_hoc_bao_cao_tu_danh_gia()
    thcs_ket_hop_xuat_van_ban()
    mam_non_van_xuoi()
    gdtx_tt57_danh_sach()
    tieu_hoc_bang()
    converted("tieu-hoc-bang", "doc")
    converted("tieu-hoc-bang", "pdf")
    legacy_font("tieu-hoc-tcvn3", ".VnTime", tcvn3)
    legacy_font("tieu-hoc-vni", "VNI-Times", vni)
    thpt_so_tay_bia()
    thcs_bang_long()
    mam_non_hop_van_ban()
    thpt_theo_doi_thay_doi()
    mam_non_nhom_lop()
    thpt_to_su_dia()
    thpt_tt57_bao_cao()
    gdtx_o_tung_dong()


if __name__ == "__main__":
    main()
