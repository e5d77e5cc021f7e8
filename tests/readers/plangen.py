"""Plan documents the way Vietnamese schools write them, each with the plan it states.

`generate(rng, fmt)` writes ONE document (.docx, .txt or .xlsx) in a temporary folder and
returns it with its `Expected` plan; `score(expected, draft)` compares what a reader made of
it. Everything is drawn from `rng`, so a seed gives the same document again:

    python -m tests.readers.plangen SEED [docx|txt|xlsx] [LAYOUT]   # writes it, prints the plan

Layouts: `table` (the ministry's 2018 table), `tt57` (57/2026 Biểu 2: focus table IV,
improvement table V, monitoring table VI), `prose` (a heading per criterion, its target and
its solutions), `mixed` (prose for every criterion, then a short task table for a few),
`sar` (a self-assessment report, báo cáo tự đánh giá) and `sheet` (.xlsx, title rows above
the header). .docx and .txt carry the first five, .xlsx the last.

What the expected plan is (the rules a reader has to meet):
- criteria: the criteria that have at least one task. A criterion only named elsewhere (the
  self-assessment results table, the council's duties, front matter, "nhiệm vụ 1–6" in the
  monitoring table) is not one.
- a task is one solution as written: a task cell, a prose paragraph, one line of a bulleted
  cell or list («-», «+», «•», «1.» – the marker is not part of the text; a plain paragraph of
  two sentences is one task). Owners, timeline and output of a row apply to every line of its
  task cell. A row naming several criteria («3.1; 3.4», «3.1, 3.4», «1.1 – 1.3» = 1.1, 1.2,
  1.3) gives its tasks to each of them; in 57/2026 a section V row that names no criterion
  belongs to the criteria of the focus-table row (section IV) with the same TT, a blank TT
  continuing the row above. A row or paragraph cut by a page break (page header or footer
  between the pieces) is one: its pieces join with a space.
- mixed layout: a criterion's tasks are its prose solutions followed by its table rows; as
  text, the table may come one cell a line (empty cells as empty lines).
- 57/2026 section V may instead tie each row to criteria through a «Gắn với tiêu chí»
  column beside «TT vấn đề»: the row's tasks belong to the criteria that column names.
- self-assessment report: a level line («Mức 2») in part 4 is not a task; a sentence cut over
  two paragraphs (the second starting in lower case) is one task.
- self-assessment report: the tasks are the sentences of part 4 («Kế hoạch cải tiến chất
  lượng») and nothing else; the text is the whole sentence. The owner is the subject it names
  («Hiệu trưởng», «Hiệu trưởng và Kế toán» -> both), the timeline the time phrase it opens
  with («Năm học 2025-2026, Hiệu trưởng …» -> «Năm học 2025-2026») or ends with, without a
  leading «trong»/«vào» («… trong học kỳ I» -> «học kỳ I»; «… từ tháng 9/2025 đến tháng
  5/2026» -> «từ tháng 9/2025 đến tháng 5/2026»). Targets are None.
- owners: the owners cell split as `readers.owner_phrases.split_owner_phrases` splits it;
  with a «Chủ trì» | «Phối hợp» pair of columns, the lead's phrases then the helpers'; in
  prose, the «Người thực hiện: …» line under a criterion applies to all its tasks. None
  written: [].
- timeline: the timeline cell as written. Under a two-row header «Thời gian» over «Bắt đầu» |
  «Kết thúc» (or «Hoàn thành», «Từ» | «Đến»): «start – end» when both are filled, else the
  one that is. In prose, the «Thời gian: …» line under a criterion. None written: None.
- target: the criterion's first target as written: the «Kết quả cần đạt» / «Mục tiêu» cell,
  57/2026's «Mục tiêu cải tiến» cell, or in prose the text after «Mục tiêu cần đạt:» /
  «Mục tiêu:» / «Kết quả cần đạt:», or a whole «Phấn đấu đạt Mức 2.» line.
- school: the school's line as written (compared without regard to case); level from what
  the school is; framework from the circular («Căn cứ Thông tư số 18/2018/TT-BGDĐT»), or,
  when no circular is named, from the ids and titles (every reference then carries its
  official title); school_year as «2025-2026» from the title.
Comparison (`score`): texts after `core.text.clean` with trailing « .;:,» dropped; owners and
timelines also with the first letter's case ignored, timelines with any dash read as « – »
and a leading «trong»/«vào» ignored.
"""

from __future__ import annotations

import json
import random
import re
import sys
import tempfile
import unicodedata
from collections import Counter
from dataclasses import asdict, dataclass, field
from itertools import groupby, zip_longest
from pathlib import Path

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from openpyxl import Workbook

from core.text import clean
from readers.owner_phrases import split_owner_phrases

CATALOGUE = json.loads((Path(__file__).resolve().parents[2] / "readers" / "catalogue"
                        / "frameworks.json").read_text(encoding="utf-8"))
FORMATS = ("docx", "txt", "xlsx")
LAYOUTS = {"docx": ("table", "tt57", "prose", "mixed", "sar"),
           "txt": ("table", "tt57", "prose", "mixed", "sar"),
           "xlsx": ("sheet",)}
LEVELS = ("mam_non", "tieu_hoc", "thcs", "thpt", "gdtx")
TT57 = "TT57/2026"
FRAMEWORKS_OF = {"mam_non": ("TT19/2018", TT57), "tieu_hoc": ("TT17/2018", TT57),
                 "thcs": ("TT18/2018", TT57), "thpt": ("TT18/2018", TT57), "gdtx": (TT57,)}


# ---------------------------------------------------------------- the expected plan

@dataclass
class Task:
    text: str
    owners: list[str] = field(default_factory=list)
    timeline: str | None = None


@dataclass
class Criterion:
    id: str
    target: str | None = None
    tasks: list[Task] = field(default_factory=list)


@dataclass
class Expected:
    school: str | None
    framework: str
    level: str
    school_year: str
    criteria: list[Criterion] = field(default_factory=list)

    def criterion(self, cid: str) -> Criterion:
        for criterion in self.criteria:
            if criterion.id == cid:
                return criterion
        self.criteria.append(Criterion(cid))
        return self.criteria[-1]

    def add(self, ids, text: str, owners: list[str], timeline: str | None) -> None:
        for cid in ids:
            self.criterion(cid).tasks.append(Task(clean(text), list(owners),
                                                  clean(timeline) or None))

    def aim(self, ids, target: str | None) -> None:
        """The criteria's target, unless an earlier one was written."""
        for cid in ids:
            criterion = self.criterion(cid)
            if criterion.target is None and clean(target):
                criterion.target = clean(target)


@dataclass
class Generated:
    path: Path
    fmt: str
    layout: str
    expected: Expected


# ---------------------------------------------------------------- the document model

@dataclass
class Para:
    text: str
    kind: str = "body"  # body | title | heading | list | right | italic
    marker: str = ""  # the bullet typed before the text; a Word list draws its own


@dataclass
class Table:
    rows: list[list[object]]
    header_rows: int = 1
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # r0, c0, r1, c1
    page_breaks: set[int] = field(default_factory=set)  # rows a new page starts at
    plain: bool = False  # a borderless layout table: letterhead, signatures
    cells_per_line: bool = False  # exported as text one cell a line (Word's «save as text»)


@dataclass
class NewSheet:
    name: str


# ---------------------------------------------------------------- vocabulary

def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.strip().splitlines() if line.strip()]


_TASKS = {
    "governance": _lines("""
    Rà soát, điều chỉnh chiến lược phát triển nhà trường giai đoạn 2025-2030 cho phù hợp thực tế
    Công khai chiến lược phát triển nhà trường trên cổng thông tin điện tử và bảng tin của trường
    Xây dựng kế hoạch giáo dục nhà trường sát với điều kiện thực tế, có chỉ tiêu cụ thể cho từng bộ phận
    Kiện toàn Hội đồng trường, bổ sung thành viên còn thiếu theo quy định
    Tổ chức họp Hội đồng trường đúng định kỳ, ban hành nghị quyết và giám sát việc thực hiện
    Tập huấn cho các thành viên Hội đồng tư vấn về kỹ năng tham mưu, góp ý
    Rà soát quy chế hoạt động của Hội đồng thi đua - khen thưởng và Hội đồng kỷ luật
    Xây dựng quy chế phối hợp giữa chi bộ, công đoàn và chi đoàn trong nhà trường
    Phát huy vai trò lãnh đạo của chi bộ trong việc thực hiện nhiệm vụ năm học
    Bồi dưỡng, giới thiệu quần chúng ưu tú để chi bộ xem xét kết nạp Đảng
    Phân công nhiệm vụ cụ thể cho từng thành viên Ban giám hiệu, tổ trưởng, tổ phó chuyên môn
    Đổi mới nội dung sinh hoạt tổ chuyên môn, tổ văn phòng theo hướng thiết thực, hiệu quả
    Rà soát sĩ số, bố trí học sinh vào các lớp đúng quy định về số lượng
    Cập nhật đầy đủ, kịp thời hồ sơ quản lý học sinh trên cơ sở dữ liệu ngành
    Sắp xếp, lưu trữ hồ sơ văn thư khoa học, dễ tra cứu
    Thực hiện công khai tài chính, tài sản theo quy định
    Xây dựng và công khai quy chế chi tiêu nội bộ sau khi lấy ý kiến cán bộ, giáo viên, nhân viên
    Kiểm kê tài sản, thanh lý tài sản hư hỏng không còn sử dụng được
    Ứng dụng phần mềm quản lý tài sản, kế toán trong công tác quản lý tài chính
    Đánh giá, xếp loại viên chức khách quan, đúng quy trình
    Xây dựng kế hoạch kiểm tra nội bộ, chú trọng kiểm tra hoạt động chuyên môn
    Tổ chức hội nghị cán bộ, công chức, viên chức đúng quy trình
    Niêm yết công khai các thủ tục hành chính, quy chế dân chủ tại phòng hội đồng
    Tiếp nhận, giải quyết kịp thời các kiến nghị của cán bộ, giáo viên, nhân viên và cha mẹ học sinh
    Xây dựng hệ thống thông tin, dữ liệu quản lý dùng chung, phân quyền cập nhật cho từng bộ phận
    Số hóa hồ sơ, sổ sách quản lý, bảo đảm an toàn dữ liệu
    Rà soát dữ liệu học sinh, giáo viên trên hệ thống cơ sở dữ liệu ngành
    Thành lập Hội đồng tự đánh giá, phân công nhóm công tác phụ trách từng tiêu chuẩn
    Thu thập, mã hóa và bổ sung minh chứng còn thiếu cho báo cáo tự đánh giá
    Công khai báo cáo tự đánh giá và kế hoạch cải tiến chất lượng trên trang thông tin điện tử
    Theo dõi tiến độ thực hiện các nhiệm vụ cải tiến, cập nhật vào bảng theo dõi chung
    Phân công người phụ trách từng nhiệm vụ cải tiến, quy định rõ sản phẩm cần đạt
    Tổ chức rà soát, đánh giá việc thực hiện kế hoạch cải tiến chất lượng
    Xây dựng kế hoạch tài chính trung hạn, ưu tiên kinh phí cho các nội dung cải tiến
    Điều chỉnh kế hoạch năm học khi có thay đổi về nhân sự, cơ sở vật chất
    Ban hành quy chế làm việc, quy định rõ trách nhiệm giải trình của từng bộ phận
    Tổ chức lấy ý kiến cha mẹ học sinh về chất lượng dịch vụ giáo dục của nhà trường
    Rà soát, bổ sung kế hoạch phát triển đội ngũ, cơ sở vật chất theo lộ trình
    Duy trì hộp thư góp ý và đường dây nóng tiếp nhận phản ánh
    Xây dựng bộ tiêu chí đánh giá mức độ hài lòng của cha mẹ học sinh
    """),
    "staff": _lines("""
    Cử cán bộ quản lý tham gia các lớp bồi dưỡng nghiệp vụ quản lý giáo dục
    Tạo điều kiện cho phó hiệu trưởng học lớp trung cấp lý luận chính trị
    Bồi dưỡng năng lực quản trị trường học, năng lực chuyển đổi số cho cán bộ quản lý
    Tổ chức cho giáo viên tự đánh giá theo chuẩn nghề nghiệp giáo viên
    Cử giáo viên tham gia học nâng chuẩn trình độ đào tạo theo lộ trình
    Tổ chức sinh hoạt chuyên môn theo nghiên cứu bài học
    Xây dựng kế hoạch bồi dưỡng thường xuyên sát với nhu cầu của từng giáo viên
    Tổ chức thao giảng, dự giờ, rút kinh nghiệm giữa các tổ chuyên môn
    Động viên giáo viên tham gia hội thi giáo viên dạy giỏi cấp huyện
    Bồi dưỡng giáo viên cốt cán để hỗ trợ đồng nghiệp trong tổ
    Tập huấn cho giáo viên về xây dựng kế hoạch bài dạy theo định hướng phát triển năng lực
    Bồi dưỡng kỹ năng ứng dụng công nghệ thông tin, khai thác học liệu số cho giáo viên
    Tổ chức chuyên đề về kiểm tra, đánh giá học sinh theo hướng vì sự tiến bộ
    Phân công giáo viên dạy đúng chuyên môn được đào tạo, cân đối số tiết
    Bồi dưỡng tiếng Anh, tin học cho giáo viên đáp ứng yêu cầu chuẩn nghề nghiệp
    Tổ chức cho giáo viên viết, áp dụng sáng kiến kinh nghiệm vào thực tế giảng dạy
    Cử nhân viên kế toán, văn thư tham gia tập huấn nghiệp vụ
    Bồi dưỡng nghiệp vụ cho nhân viên thư viện, thiết bị
    Phân công nhiệm vụ kiêm nhiệm hợp lý cho nhân viên
    Đánh giá nhân viên theo vị trí việc làm, có nhận xét cụ thể
    Đề nghị cấp có thẩm quyền bổ sung biên chế nhân viên y tế học đường
    Tổ chức học tập, quán triệt các quy định về đạo đức nhà giáo
    Xây dựng đội ngũ giáo viên chủ nhiệm giỏi, có kỹ năng tư vấn tâm lý học sinh
    Tổ chức giao lưu, học hỏi kinh nghiệm với các trường bạn
    Khuyến khích giáo viên tham gia các khóa học trực tuyến do Bộ tổ chức
    Bồi dưỡng giáo viên dạy học sinh khuyết tật học hòa nhập
    Tổ chức dự giờ đột xuất, góp ý tiết dạy cho giáo viên mới
    Phân công giáo viên có kinh nghiệm kèm cặp giáo viên mới tuyển dụng
    Rà soát trình độ đào tạo, lập danh sách giáo viên cần bồi dưỡng
    Tổ chức cho giáo viên đăng ký và thực hiện nghiên cứu khoa học sư phạm ứng dụng
    Bồi dưỡng năng lực dạy học các môn tích hợp cho giáo viên
    Đánh giá kết quả bồi dưỡng thường xuyên của giáo viên, công nhận kết quả đúng quy định
    Tạo điều kiện cho nhân viên học nâng cao trình độ chuyên môn
    Tổ chức tập huấn kỹ năng sơ cấp cứu cho nhân viên và giáo viên
    Xây dựng kế hoạch quy hoạch cán bộ quản lý, tổ trưởng chuyên môn
    """),
    "students": _lines("""
    Giáo dục đạo đức, lối sống cho học sinh thông qua các tiết sinh hoạt lớp, sinh hoạt dưới cờ
    Theo dõi, giúp đỡ học sinh cá biệt, phối hợp với gia đình để giáo dục kịp thời
    Xây dựng nội quy lớp học, phát động phong trào thi đua học tốt
    Tổ chức phụ đạo học sinh yếu, bồi dưỡng học sinh giỏi
    Lập danh sách học sinh có hoàn cảnh khó khăn, vận động các nhà hảo tâm hỗ trợ học bổng
    Miễn, giảm học phí và hỗ trợ chi phí học tập cho học sinh thuộc diện chính sách
    Xây dựng kế hoạch giáo dục cá nhân cho học sinh khuyết tật học hòa nhập
    Thành lập tổ tư vấn tâm lý học đường, bố trí phòng tư vấn riêng
    Tổ chức các chuyên đề giáo dục giới tính, phòng chống xâm hại cho học sinh
    Phát hiện, bồi dưỡng học sinh có năng khiếu về thể thao, nghệ thuật
    Theo dõi chuyên cần, kịp thời vận động học sinh có nguy cơ bỏ học trở lại lớp
    Tổ chức cho học sinh tự đánh giá, đánh giá lẫn nhau trong giờ sinh hoạt lớp
    Giáo dục kỹ năng sống, kỹ năng tự bảo vệ bản thân cho học sinh
    Tổ chức hoạt động đội nhóm, câu lạc bộ để học sinh phát huy năng lực cá nhân
    Cập nhật hồ sơ theo dõi sự tiến bộ của từng học sinh
    Tổ chức cho học sinh tham gia phong trào kế hoạch nhỏ, nuôi heo đất giúp bạn
    Khen thưởng kịp thời học sinh có thành tích trong học tập và rèn luyện
    Tổ chức diễn đàn để học sinh bày tỏ ý kiến, nguyện vọng
    Xây dựng sổ tay theo dõi học sinh có khó khăn trong học tập
    Tổ chức các buổi ngoại khóa giáo dục pháp luật, an toàn giao thông cho học sinh
    Tuyên truyền, giáo dục học sinh thực hiện văn hóa ứng xử trong trường học
    Phân công giáo viên phụ trách hỗ trợ học sinh khuyết tật trong các giờ học
    Thực hiện đánh giá học sinh khuyết tật theo kế hoạch giáo dục cá nhân
    Tổ chức khám sức khỏe, lập sổ theo dõi sức khỏe học sinh
    Hướng dẫn học sinh sử dụng mạng xã hội an toàn, có trách nhiệm
    Xây dựng đội tự quản của học sinh ở từng lớp
    Tổ chức phong trào đọc sách, xây dựng tủ sách lớp học
    Vận động học sinh tham gia bảo hiểm y tế, bảo hiểm thân thể
    Xây dựng quy trình tiếp nhận và xử lý thông tin học sinh vi phạm nội quy
    Tổ chức sinh hoạt chủ điểm theo các ngày lễ lớn trong năm
    """),
    "teaching": _lines("""
    Xây dựng kế hoạch giáo dục nhà trường theo Chương trình giáo dục phổ thông 2018
    Chỉ đạo tổ chuyên môn xây dựng kế hoạch dạy học các môn học, hoạt động giáo dục
    Rà soát, điều chỉnh nội dung dạy học phù hợp với đối tượng học sinh
    Đổi mới phương pháp dạy học theo hướng phát huy tính tích cực, chủ động của học sinh
    Tăng cường dạy học theo dự án, dạy học giải quyết vấn đề ở các môn khoa học
    Tổ chức dạy học giáo dục STEM ở các khối lớp
    Xây dựng ngân hàng câu hỏi kiểm tra theo ma trận, đặc tả của từng môn
    Tổ chức kiểm tra nghiêm túc, đánh giá đúng thực chất chất lượng học sinh
    Phân tích kết quả kiểm tra giữa kỳ để điều chỉnh phương pháp dạy học
    Triển khai nội dung giáo dục địa phương theo tài liệu đã được phê duyệt
    Tích hợp giáo dục bảo vệ môi trường, biến đổi khí hậu vào các môn học
    Xây dựng kho học liệu số dùng chung, khuyến khích giáo viên khai thác hiệu quả
    Ứng dụng phần mềm, thiết bị dạy học thông minh trong các tiết dạy
    Tổ chức ôn tập cho học sinh lớp cuối cấp, nâng cao tỉ lệ tốt nghiệp
    Nâng cao tỉ lệ học sinh đạt mức Tốt, Khá trong đánh giá kết quả học tập
    Tổ chức thi chọn học sinh giỏi cấp trường, thành lập đội tuyển
    Tăng cường kiểm tra việc thực hiện chương trình, kế hoạch dạy học của giáo viên
    Thực hiện dạy học phân hóa, giao nhiệm vụ phù hợp với từng nhóm học sinh
    Tổ chức dạy học tăng cường môn Tiếng Anh có yếu tố người nước ngoài
    Đổi mới hình thức kiểm tra thường xuyên bằng sản phẩm học tập, thuyết trình
    Sử dụng hiệu quả thiết bị dạy học hiện có, hạn chế dạy chay
    Theo dõi, đánh giá sự tiến bộ của học sinh qua hồ sơ học tập
    Tổ chức sinh hoạt chuyên môn liên trường về đổi mới phương pháp dạy học
    Rà soát chất lượng đầu năm, lập kế hoạch phụ đạo cho học sinh chưa đạt
    Tổ chức dạy học 2 buổi/ngày với nội dung phù hợp
    Thực hiện đúng quy chế chuyên môn về hồ sơ sổ sách, ghi điểm, nhận xét
    Tổ chức chuyên đề dạy đọc hiểu, viết đoạn văn cho học sinh
    Đánh giá kết quả thực hiện chương trình, rút kinh nghiệm cho từng tổ
    Xây dựng kế hoạch nâng cao chất lượng môn Toán, Ngữ văn, Tiếng Anh
    Tổ chức cho học sinh nghiên cứu khoa học kỹ thuật, tham gia cuộc thi cấp huyện
    """),
    "activities": _lines("""
    Tổ chức hoạt động trải nghiệm, hướng nghiệp theo chủ đề cho các khối lớp
    Tổ chức cho học sinh tham quan, học tập tại các di tích lịch sử địa phương
    Thành lập câu lạc bộ bóng đá, cầu lông, cờ vua cho học sinh
    Tổ chức hội khỏe Phù Đổng cấp trường
    Tổ chức hội diễn văn nghệ chào mừng ngày Nhà giáo Việt Nam
    Tổ chức ngày hội đọc sách, giới thiệu sách dưới cờ
    Tư vấn hướng nghiệp, phân luồng cho học sinh lớp cuối cấp
    Mời chuyên gia nói chuyện về kỹ năng sống, kỹ năng ứng phó với căng thẳng
    Tổ chức hoạt động tình nguyện, thăm hỏi gia đình chính sách
    Tổ chức chuyên đề giáo dục an toàn giao thông, phòng chống đuối nước
    Xây dựng mô hình câu lạc bộ tiếng Anh, câu lạc bộ STEM
    Tổ chức trò chơi dân gian trong giờ ra chơi
    Tổ chức cho học sinh trải nghiệm nghề truyền thống ở địa phương
    Phát động phong trào trồng cây, chăm sóc bồn hoa, cây cảnh
    Tổ chức giải thể thao học sinh, chọn vận động viên tham gia giải cấp huyện
    Lồng ghép giáo dục kỹ năng sống vào các tiết hoạt động trải nghiệm
    Tổ chức hội trại truyền thống nhân ngày thành lập Đoàn
    Phối hợp với Đoàn xã tổ chức các hoạt động tình nguyện hè
    Tổ chức ngày hội hướng nghiệp, giới thiệu các ngành nghề tại địa phương
    Tổ chức cuộc thi vẽ tranh, viết thư quốc tế UPU
    Xây dựng sân chơi cuối tuần cho học sinh
    Duy trì hoạt động của đội văn nghệ, đội trống của Liên đội
    Tổ chức cho học sinh tham gia các cuộc thi trực tuyến do ngành phát động
    Tổ chức chuyên đề phòng chống ma túy, tệ nạn xã hội
    Tổ chức lễ trưởng thành cho học sinh lớp cuối cấp
    """),
    "facilities": _lines("""
    Tham mưu với UBND xã xây dựng thêm 2 phòng học
    Sửa chữa, chống thấm các phòng học bị xuống cấp
    Mua sắm bổ sung bàn ghế học sinh đúng quy cách
    Cải tạo sân chơi, bãi tập, lát lại nền sân trường
    Trồng thêm cây xanh, bảo đảm diện tích cây xanh bóng mát
    Xây dựng phòng học bộ môn Khoa học tự nhiên đạt chuẩn
    Bổ sung thiết bị dạy học tối thiểu còn thiếu theo danh mục
    Kiểm kê, sửa chữa thiết bị dạy học hư hỏng
    Tổ chức phong trào làm đồ dùng dạy học tự làm
    Sắp xếp, bảo quản thiết bị khoa học, dễ sử dụng
    Mở sổ theo dõi mượn, trả thiết bị dạy học của giáo viên
    Bổ sung sách tham khảo, sách giáo khoa cho thư viện
    Xây dựng thư viện xanh, thư viện thân thiện ở hành lang
    Triển khai thư viện điện tử, số hóa tài liệu
    Cải tạo khu vệ sinh học sinh, bảo đảm đủ nước sạch
    Lắp đặt hệ thống lọc nước uống cho học sinh
    Phân loại rác thải tại nguồn, bố trí đủ thùng rác có nắp đậy
    Nạo vét hệ thống thoát nước quanh khu phòng học
    Sơn sửa lại tường rào, cổng trường
    Nâng cấp hệ thống mạng internet, phủ sóng wifi các phòng học
    Trang bị màn hình tương tác cho các phòng học
    Sửa chữa hệ thống điện, lắp bổ sung quạt, đèn chiếu sáng
    Cải tạo phòng họp, phòng làm việc của tổ văn phòng
    Đề nghị cấp kinh phí xây dựng nhà đa năng
    Xây dựng kế hoạch sử dụng, bảo quản cơ sở vật chất của nhà trường
    Bố trí phòng y tế với đủ tủ thuốc, giường bệnh theo quy định
    Lắp đặt camera giám sát khu vực cổng trường, hành lang
    Làm mái che khu để xe cho học sinh
    Mua sắm máy tính cho phòng tin học
    Trang bị tủ đựng hồ sơ, thiết bị cho phòng thiết bị
    Thanh lý thiết bị cũ hỏng theo đúng quy định
    Xây dựng vườn trường, vườn thực nghiệm phục vụ dạy học
    """),
    "community": _lines("""
    Phối hợp với Ban đại diện cha mẹ học sinh xây dựng kế hoạch hoạt động năm học
    Tổ chức họp cha mẹ học sinh để thông báo kết quả học tập, rèn luyện
    Xây dựng quy chế phối hợp giữa nhà trường và Ban đại diện cha mẹ học sinh
    Tham mưu với cấp ủy, chính quyền địa phương hỗ trợ kinh phí xây dựng cơ sở vật chất
    Phối hợp với Công an xã bảo đảm an ninh trật tự khu vực cổng trường
    Vận động các doanh nghiệp, nhà hảo tâm tài trợ học bổng cho học sinh
    Duy trì nhóm liên lạc, sổ liên lạc điện tử với cha mẹ học sinh
    Phối hợp với Trạm y tế xã tổ chức khám sức khỏe, tiêm chủng cho học sinh
    Tuyên truyền về hoạt động của nhà trường trên trang thông tin điện tử, mạng xã hội
    Phối hợp với Đoàn xã, Hội Khuyến học tổ chức các hoạt động giáo dục ngoài nhà trường
    Báo cáo cấp ủy, chính quyền về tình hình, kết quả thực hiện nhiệm vụ năm học
    Phối hợp với gia đình theo dõi, giáo dục học sinh chưa ngoan
    Thực hiện công khai các khoản thu, chi của Ban đại diện cha mẹ học sinh
    Tổ chức ngày hội gia đình, mời cha mẹ học sinh tham gia các hoạt động của trường
    Tham mưu với UBND xã bổ sung quỹ đất mở rộng khuôn viên trường
    Phối hợp với Hội Cựu chiến binh giáo dục truyền thống cho học sinh
    Khảo sát ý kiến cha mẹ học sinh về các hoạt động giáo dục của nhà trường
    Xây dựng kênh tiếp nhận phản hồi của cha mẹ học sinh qua ứng dụng liên lạc
    Phối hợp với các đoàn thể địa phương thực hiện công tác phổ cập giáo dục
    Huy động nguồn lực xã hội hóa để trang bị thiết bị dạy học
    """),
    "safety": _lines("""
    Xây dựng kế hoạch bảo đảm an ninh trật tự, an toàn trường học
    Rà soát, khắc phục các điểm có nguy cơ mất an toàn trong khuôn viên trường
    Tổ chức diễn tập phòng cháy, chữa cháy và cứu nạn, cứu hộ
    Kiểm tra hệ thống điện, bình chữa cháy của các phòng học
    Lập kênh tiếp nhận phản ánh về bạo lực học đường, bắt nạt trực tuyến
    Tuyên truyền phòng, chống bắt nạt trực tuyến trong giờ sinh hoạt dưới cờ
    Tổ chức trực bảo vệ 24/24 giờ, kiểm soát người ra vào trường
    Xây dựng bộ quy tắc ứng xử văn hóa trong trường học
    Tổ chức chuyên đề phòng, chống bạo lực học đường
    Phối hợp với Công an xã tuyên truyền pháp luật cho học sinh
    Kiểm tra vệ sinh an toàn thực phẩm tại căng tin
    Phát động phong trào xây dựng trường học xanh, sạch, đẹp, an toàn
    Lắp đặt biển báo an toàn, bảng chỉ dẫn thoát hiểm
    Cắt tỉa cây xanh có nguy cơ gãy đổ, bảo đảm an toàn cho học sinh
    Xây dựng phương án phòng chống thiên tai, dịch bệnh
    Tổ chức tư vấn tâm lý cho học sinh có biểu hiện căng thẳng
    Tập huấn kỹ năng sơ cứu, phòng chống đuối nước cho học sinh
    Kiểm tra an toàn các thiết bị vui chơi, dụng cụ thể thao
    Xây dựng môi trường giáo dục thân thiện, tôn trọng sự khác biệt
    Rà soát quy trình đón, trả học sinh bảo đảm an toàn
    """),
    "children": _lines("""
    Xây dựng kế hoạch giáo dục năm học theo Chương trình giáo dục mầm non
    Tổ chức các hoạt động giáo dục lấy trẻ làm trung tâm
    Xây dựng môi trường giáo dục trong và ngoài lớp học theo hướng mở
    Tổ chức cho trẻ làm quen với tiếng Anh qua trò chơi, bài hát
    Tổ chức hoạt động trải nghiệm, tham quan cho trẻ mẫu giáo
    Tăng cường tiếng Việt cho trẻ người dân tộc thiểu số
    Đánh giá sự phát triển của trẻ theo các lĩnh vực, điều chỉnh kế hoạch giáo dục
    Tổ chức ngày hội, ngày lễ cho trẻ theo chủ đề
    Xây dựng góc thiên nhiên, góc vận động ở các lớp
    Tổ chức chuyên đề phát triển vận động cho trẻ
    Làm đồ dùng, đồ chơi tự tạo từ nguyên vật liệu sẵn có
    Tổ chức cho trẻ 5 tuổi làm quen với chữ cái, chữ số
    Giáo dục kỹ năng tự phục vụ, kỹ năng giao tiếp cho trẻ
    Theo dõi, hỗ trợ trẻ khuyết tật học hòa nhập
    Tổ chức dự giờ, thao giảng các hoạt động học theo chủ đề
    Xây dựng thư viện thân thiện cho trẻ ở hành lang lớp học
    Tổ chức cho trẻ tham gia lao động vừa sức ở vườn trường
    Ứng dụng phương pháp giáo dục STEAM trong hoạt động của trẻ
    Đánh giá trẻ 5 tuổi theo bộ chuẩn phát triển
    Tổ chức cho trẻ giao lưu, biểu diễn văn nghệ giữa các lớp
    """),
    "care": _lines("""
    Xây dựng thực đơn theo mùa, cân đối dinh dưỡng cho trẻ
    Kiểm tra nguồn gốc thực phẩm, lưu mẫu thức ăn đúng quy định
    Cân, đo, theo dõi biểu đồ tăng trưởng của trẻ
    Tổ chức khám sức khỏe cho trẻ, lập hồ sơ theo dõi
    Phối hợp với gia đình can thiệp trẻ suy dinh dưỡng, thừa cân
    Ký hợp đồng với cơ sở cung cấp thực phẩm an toàn
    Bồi dưỡng kiến thức dinh dưỡng cho nhân viên nuôi dưỡng
    Thực hiện quy trình bếp một chiều
    Tuyên truyền kiến thức chăm sóc trẻ cho cha mẹ
    Tổ chức vệ sinh, khử khuẩn đồ dùng, đồ chơi
    Sử dụng phần mềm tính khẩu phần ăn
    Tổ chức giờ ngủ trưa bảo đảm yên tĩnh, thoáng mát
    Công khai thực đơn, khẩu phần ăn của trẻ tại bảng tin
    Theo dõi tiêm chủng, phòng bệnh theo mùa cho trẻ
    Sửa chữa, bổ sung đồ dùng nhà bếp
    Giáo dục trẻ thói quen vệ sinh cá nhân
    Lập hồ sơ theo dõi sức khỏe riêng cho từng trẻ
    Tổ chức bữa ăn bán trú an toàn, đủ lượng
    """),
}
# Solutions that name another kind of school: the plan's level is still its own school's.
_DECOYS = {
    "thcs": ["Phối hợp với Trung tâm giáo dục thường xuyên huyện tư vấn hướng nghiệp cho học sinh lớp 9",
             "Phối hợp với trường tiểu học lân cận tìm hiểu đặc điểm học sinh lớp 6 đầu cấp",
             "Trao đổi với trường THPT trên địa bàn về công tác tuyển sinh lớp 10"],
    "thpt": ["Phối hợp với Trung tâm GDNN-GDTX huyện tổ chức dạy nghề phổ thông cho học sinh",
             "Phối hợp với các trường THCS trên địa bàn tư vấn tuyển sinh lớp 10"],
    "tieu_hoc": ["Phối hợp với trường mầm non trên địa bàn chuẩn bị cho trẻ 5 tuổi vào lớp 1",
                 "Phối hợp với trường THCS lân cận bàn giao hồ sơ học sinh lớp 5"],
    "mam_non": ["Phối hợp với trường tiểu học trên địa bàn cho trẻ 5 tuổi tham quan lớp 1"],
    "gdtx": ["Phối hợp với các trường THPT trên địa bàn trao đổi kinh nghiệm ôn thi tốt nghiệp"],
}
# What a 57/2026 row is about («Nội dung cải tiến»): never a criterion's title or part of one.
_CONTENTS = {
    "governance": ["Theo dõi việc thực hiện kế hoạch cải tiến", "Quản lý thông tin, dữ liệu nhà trường",
                   "Công khai thông tin hoạt động của nhà trường", "Kiện toàn các tổ chuyên môn",
                   "Rà soát kế hoạch phát triển nhà trường", "Rà soát dữ liệu học sinh"],
    "staff": ["Bồi dưỡng giáo viên về kiểm tra, đánh giá học sinh",
              "Nâng cao năng lực quản trị của cán bộ quản lý",
              "Bồi dưỡng nhân viên hỗ trợ giáo dục", "Phát triển năng lực số của giáo viên"],
    "students": ["Hỗ trợ học sinh có hoàn cảnh khó khăn", "Hỗ trợ học sinh khuyết tật",
                 "Theo dõi sự tiến bộ của học sinh", "Tư vấn tâm lý học đường"],
    "teaching": ["Ứng dụng học liệu số trong dạy học", "Đổi mới kiểm tra, đánh giá",
                 "Nâng cao chất lượng môn Toán", "Bảo đảm tiến độ chương trình các môn học"],
    "activities": ["Hoạt động trải nghiệm, hướng nghiệp", "Câu lạc bộ năng khiếu", "Giáo dục kỹ năng sống"],
    "facilities": ["Sửa chữa phòng học bộ môn", "Bổ sung thiết bị dạy học",
                   "Cải tạo khu vệ sinh học sinh", "Nâng cấp hạ tầng công nghệ thông tin"],
    "community": ["Kênh thông tin hai chiều với cha mẹ học sinh", "Huy động nguồn lực xã hội",
                  "Phối hợp với chính quyền địa phương"],
    "safety": ["Phòng, chống bắt nạt trực tuyến", "Bảo đảm an ninh trật tự trường học",
               "Xây dựng văn hóa ứng xử"],
    "children": ["Môi trường giáo dục lấy trẻ làm trung tâm", "Chuẩn bị cho trẻ vào lớp 1",
                 "Phát triển vận động cho trẻ"],
    "care": ["Nâng cao chất lượng bữa ăn bán trú", "Phòng chống suy dinh dưỡng", "Vệ sinh an toàn thực phẩm"],
}
_GOALS = {
    "governance": ["Mọi nhiệm vụ cải tiến có người phụ trách và được cập nhật tiến độ",
                   "Hồ sơ quản lý được lưu trữ đầy đủ, khoa học",
                   "Kế hoạch được rà soát, điều chỉnh kịp thời",
                   "Dữ liệu ngành được cập nhật chính xác, đúng hạn"],
    "staff": ["100% giáo viên đạt chuẩn nghề nghiệp từ mức Khá trở lên",
              "Giáo viên vận dụng đánh giá vì sự tiến bộ của học sinh",
              "Cán bộ quản lý hoàn thành bồi dưỡng theo quy định"],
    "students": ["Không có học sinh bỏ học", "100% học sinh khuyết tật có kế hoạch giáo dục cá nhân",
                 "Học sinh có hoàn cảnh khó khăn được hỗ trợ kịp thời"],
    "teaching": ["Tỉ lệ học sinh đạt mức Tốt, Khá tăng 5% so với năm học trước",
                 "Mỗi giáo viên sử dụng học liệu số ít nhất 2 tiết/tháng",
                 "Thực hiện đầy đủ chương trình, kế hoạch dạy học"],
    "activities": ["100% học sinh tham gia hoạt động trải nghiệm",
                   "Mỗi khối lớp có ít nhất một câu lạc bộ hoạt động thường xuyên"],
    "facilities": ["Phòng học bộ môn đủ điều kiện sử dụng an toàn", "Đủ bàn ghế đúng quy cách cho học sinh",
                   "Khu vệ sinh sạch sẽ, đủ nước sạch"],
    "community": ["Cha mẹ học sinh nhận thông tin kịp thời", "Huy động được nguồn lực hỗ trợ cơ sở vật chất"],
    "safety": ["Không có vụ việc mất an toàn trong trường học",
               "Mọi phản ánh được tiếp nhận và xử lý trong 3 ngày"],
    "children": ["100% trẻ 5 tuổi hoàn thành chương trình giáo dục mầm non",
                 "Trẻ được tham gia hoạt động trải nghiệm phù hợp lứa tuổi"],
    "care": ["Giảm tỉ lệ trẻ suy dinh dưỡng xuống dưới 3%", "Không xảy ra ngộ độc thực phẩm"],
}
_LEVEL_TARGETS_2018 = ["Mức 2", "Đạt Mức 2", "Duy trì Mức 1", "Phấn đấu đạt Mức 2", "Đạt Mức 3",
                       "Duy trì Mức 2, phấn đấu đạt Mức 3", "Nâng từ Mức 1 lên Mức 2"]
_LEVEL_TARGETS_57 = ["Mức 2", "Đạt Mức 2", "Duy trì Mức 1", "Phấn đấu đạt Mức 2", "Nâng từ Mức 1 lên Mức 2"]
_THEMES_2018 = {"1": "governance", "2": "staff", "3": "facilities", "4": "community", "5": "teaching"}
_THEMES_57 = {"1": "governance", "2": "staff", "3": "teaching", "4": "facilities"}
_SPECIAL_THEMES = {
    "TT18/2018": {"1.10": "safety", "2.4": "students", "5.2": "students", "5.4": "activities",
                  "5.5": "activities"},
    "TT17/2018": {"1.10": "safety", "2.4": "students", "5.3": "activities", "5.4": "community"},
    "TT19/2018": {"1.10": "safety", "3.4": "care", "5.1": "children", "5.2": "care", "5.3": "care",
                  "5.4": "children"},
    TT57: {"3.3": "activities", "3.4": "students", "4.2": "safety", "4.3": "community"},
}
_LEVEL_WORDS = {"mam_non": [("cha mẹ học sinh", "cha mẹ trẻ"), ("học sinh", "trẻ"),
                            ("giáo viên chủ nhiệm", "giáo viên các nhóm lớp")],
                "gdtx": [("cha mẹ học sinh", "gia đình học viên"), ("học sinh", "học viên"),
                         ("phó hiệu trưởng", "phó giám đốc"), ("Ban giám hiệu", "Ban Giám đốc")]}

_LEADERS = {"school": ["HT", "PHT", "Hiệu trưởng", "Phó hiệu trưởng",
                       "Phó hiệu trưởng phụ trách chuyên môn", "BGH"],
            "gdtx": ["Giám đốc", "Phó Giám đốc", "Ban Giám đốc", "GĐ", "PGĐ"]}
_STAFF = {
    "common": ["TTCM", "Tổ trưởng chuyên môn", "Kế toán", "Văn thư", "NV thiết bị", "Nhân viên thư viện",
               "Thư ký HĐTĐG", "Chủ tịch Công đoàn", "UBND xã", "Tổ văn phòng", "Y tế học đường"],
    "school": ["GVCN", "GVBM", "Tổ Toán", "Tổ Ngữ văn", "Tổ KHTN", "Tổ Tin học", "Ban đại diện CMHS",
               "Giáo viên chủ nhiệm các lớp"],
    "mam_non": ["Tổ trưởng tổ nuôi dưỡng", "Giáo viên các nhóm lớp", "Nhân viên nấu ăn", "Nhân viên y tế",
                "Tổ mẫu giáo", "Tổ nhà trẻ", "Ban đại diện cha mẹ trẻ"],
    "gdtx": ["Tổ trưởng tổ chuyên môn", "Phòng Đào tạo", "GV chủ nhiệm", "Tổ Hành chính", "Đoàn thanh niên"],
}
_YOUTH = {"tieu_hoc": "TPT Đội", "thcs": "TPT Đội", "thpt": "Bí thư Đoàn trường"}
_SUBJECTS = {  # who a self-assessment sentence names as doing it
    "school": ["Hiệu trưởng", "Phó hiệu trưởng", "Phó hiệu trưởng phụ trách chuyên môn",
               "Tổ trưởng chuyên môn",
               "Giáo viên chủ nhiệm", "Nhân viên thiết bị", "Kế toán", "Hiệu trưởng và Kế toán",
               "Ban giám hiệu", "Các tổ chuyên môn"],
    "mam_non": ["Hiệu trưởng", "Phó hiệu trưởng", "Tổ trưởng tổ nuôi dưỡng", "Giáo viên các nhóm lớp",
                "Hiệu trưởng và Kế toán", "Nhân viên y tế"],
    "gdtx": ["Giám đốc", "Phó Giám đốc", "Tổ trưởng tổ chuyên môn", "Giám đốc và Kế toán", "Phòng Đào tạo"],
}

_NAMES = ["Nguyễn Du", "Lê Quý Đôn", "Chu Văn An", "Trần Phú", "Kim Đồng", "Ngô Quyền", "Lý Tự Trọng",
          "Võ Thị Sáu", "Phan Bội Châu", "Quang Trung", "Lê Lợi", "Hùng Vương", "Nguyễn Trãi",
          "Đoàn Thị Điểm", "Tân Lập", "Đức Giang", "Yên Phụ", "Mạo Khê II", "Xuân Phương", "Thạch Bàn"]
_KINDERGARTENS = ["Hoa Sen", "Họa Mi", "Sơn Ca", "Hoa Hồng", "Tuổi Thơ", "Bình Minh", "Ánh Dương", "Sao Mai"]
_DISTRICTS = ["huyện Thanh Oai", "huyện Đông Anh", "thị xã Sơn Tây", "huyện Gia Lâm", "huyện Krông Pắc",
              "thị xã Đông Triều", "huyện Hòa Vang"]
_PROVINCES = ["HÀ NỘI", "QUẢNG NINH", "ĐẮK LẮK", "ĐÀ NẴNG", "NGHỆ AN"]
_PLACES = ["Đông Anh", "Thanh Oai", "Sơn Tây", "Mạo Khê", "Hòa Vang", "Buôn Hồ"]
_PEOPLE = ["Nguyễn Văn Hùng", "Trần Thị Lan", "Lê Minh Tuấn", "Phạm Thị Hoa", "Hoàng Văn Nam",
           "Vũ Thị Thu Hà", "Đỗ Đức Thắng", "Bùi Thị Mai", "Ngô Thanh Bình", "Đặng Thị Hương"]
_SCHOOL_FORMS = {  # (as in the letterhead, as in a sentence)
    "thcs": [("TRƯỜNG THCS {N}", "trường THCS {n}"), ("TRƯỜNG TRUNG HỌC CƠ SỞ {N}",
                                                      "trường Trung học cơ sở {n}"),
             ("Trường THCS {n}", "trường THCS {n}")],
    "thpt": [("TRƯỜNG THPT {N}", "trường THPT {n}"), ("TRƯỜNG TRUNG HỌC PHỔ THÔNG {N}",
                                                      "trường Trung học phổ thông {n}")],
    "tieu_hoc": [("TRƯỜNG TIỂU HỌC {N}", "trường Tiểu học {n}"), ("Trường Tiểu học {n}",
                                                                  "trường Tiểu học {n}")],
    "mam_non": [("TRƯỜNG MẦM NON {N}", "trường Mầm non {n}"), ("Trường Mầm non {n}", "trường Mầm non {n}"),
                ("TRƯỜNG MẪU GIÁO {N}", "trường Mẫu giáo {n}")],
    "gdtx": [("TRUNG TÂM GDNN-GDTX {N}", "Trung tâm GDNN-GDTX {n}"),
             ("TRUNG TÂM GIÁO DỤC NGHỀ NGHIỆP - GIÁO DỤC THƯỜNG XUYÊN {N}",
              "Trung tâm Giáo dục nghề nghiệp - Giáo dục thường xuyên {n}")],
}
_DECREE_2018 = ("Căn cứ Thông tư số {number}/2018/{{code}} ngày 22/8/2018 của Bộ trưởng Bộ Giáo dục và "
                "Đào tạo ban hành Quy định về kiểm định chất lượng giáo dục và công nhận đạt chuẩn quốc "
                "gia đối với {schools};")
_CIRCULARS = {
    "TT18/2018": _DECREE_2018.format(number=18, schools="trường trung học cơ sở, trường trung học phổ "
                                                         "thông và trường phổ thông có nhiều cấp học"),
    "TT17/2018": _DECREE_2018.format(number=17, schools="trường tiểu học"),
    "TT19/2018": _DECREE_2018.format(number=19, schools="trường mầm non"),
    TT57: "Căn cứ Thông tư số 57/2026/{code} ngày 07/7/2026 của Bộ trưởng Bộ Giáo dục và Đào tạo quy "
          "định về bảo đảm chất lượng giáo dục đối với cơ sở giáo dục mầm non, phổ thông, thường xuyên;",
}
_CHARTER_2020 = ("Căn cứ Thông tư số 32/2020/TT-BGDĐT ngày 15/9/2020 của Bộ trưởng Bộ Giáo dục và Đào "
                 "tạo ban hành Điều lệ trường trung học cơ sở, trường trung học phổ thông và trường phổ "
                 "thông có nhiều cấp học;")
_OTHER_BASES = {
    "thcs": _CHARTER_2020,
    "thpt": _CHARTER_2020,
    "tieu_hoc": "Căn cứ Thông tư số 28/2020/TT-BGDĐT ngày 04/9/2020 của Bộ trưởng Bộ Giáo dục và Đào "
                "tạo ban hành Điều lệ Trường tiểu học;",
    "mam_non": "Căn cứ Văn bản hợp nhất số 01/VBHN-BGDĐT ngày 13/4/2015 của Bộ Giáo dục và Đào tạo ban "
               "hành Điều lệ Trường mầm non;",
    "gdtx": "Căn cứ Thông tư số 10/2021/TT-BGDĐT ngày 05/4/2021 của Bộ trưởng Bộ Giáo dục và Đào tạo "
            "ban hành Quy chế tổ chức và hoạt động của trung tâm giáo dục thường xuyên;",
}
_FACILITY_BASE = ("Căn cứ Thông tư số 13/2020/TT-BGDĐT ngày 26/5/2020 của Bộ trưởng Bộ Giáo dục và Đào "
                  "tạo quy định tiêu chuẩn cơ sở vật chất các trường mầm non, tiểu học, trung học cơ sở, "
                  "trung học phổ thông và trường phổ thông có nhiều cấp học;")
_GUIDANCE_2018 = ("Căn cứ Công văn số 5932/BGDĐT-QLCL ngày 28/12/2018 của Bộ Giáo dục và Đào tạo hướng "
                  "dẫn tự đánh giá và đánh giá ngoài cơ sở giáo dục phổ thông;")
_PURPOSES = _lines("""
    Nhằm phát huy điểm mạnh, khắc phục điểm yếu đã chỉ ra trong báo cáo tự đánh giá
    Xác định rõ nội dung cần cải tiến, người thực hiện, thời gian và nguồn lực
    Từng bước nâng cao chất lượng giáo dục, giữ vững danh hiệu trường đạt chuẩn quốc gia
    Kế hoạch phải cụ thể, khả thi, phù hợp với điều kiện thực tế của nhà trường
    Mọi cán bộ, giáo viên, nhân viên nghiêm túc thực hiện các nhiệm vụ được phân công
    Tập trung khắc phục các hạn chế trọng tâm, không dàn trải
""")
_DUTIES = _lines("""
    Hiệu trưởng: Chỉ đạo chung, phân công nhiệm vụ, kiểm tra, đánh giá việc thực hiện kế hoạch
    Phó hiệu trưởng: Theo dõi, đôn đốc các tổ chuyên môn thực hiện các nội dung cải tiến được giao
    Tổ trưởng chuyên môn: Xây dựng kế hoạch của tổ, triển khai đến từng giáo viên
    Các tổ chuyên môn, tổ văn phòng: Căn cứ chức năng, nhiệm vụ, tổ chức thực hiện linh hoạt, sáng tạo
    Cán bộ, giáo viên, nhân viên: Thực hiện nghiêm túc các nhiệm vụ được phân công
    Hội đồng tự đánh giá: Theo dõi, giám sát và báo cáo định kỳ việc thực hiện kế hoạch
""")
_SITUATIONS = _lines("""
    Nhà trường đã thực hiện nhưng hiệu quả chưa cao
    Một số nội dung còn hình thức, chưa thường xuyên
    Cơ sở vật chất còn thiếu, một số hạng mục đã xuống cấp
    Hồ sơ minh chứng chưa đầy đủ, lưu trữ chưa khoa học
    Việc phối hợp giữa các bộ phận có lúc chưa chặt chẽ
""")
_STRENGTHS = _lines("""
    Nhà trường thực hiện đầy đủ các yêu cầu của tiêu chí, hồ sơ lưu trữ đầy đủ
    Đội ngũ nhiệt tình, có tinh thần trách nhiệm, đoàn kết
    Được sự quan tâm của cấp ủy, chính quyền địa phương và cha mẹ học sinh
    Các hoạt động được triển khai đúng kế hoạch, có kiểm tra, đánh giá
""")
_WEAKNESSES = _lines("""
    Một số minh chứng chưa được lưu trữ khoa học
    Việc rà soát, điều chỉnh chưa thường xuyên
    Kinh phí đầu tư còn hạn chế, một số hạng mục chưa đáp ứng yêu cầu
    Một bộ phận giáo viên chưa tích cực đổi mới
""")
_REQUIREMENTS = ["a) Đáp ứng yêu cầu theo quy định;", "b) Được rà soát, điều chỉnh theo kế hoạch;",
                 "c) Được công khai trên trang thông tin điện tử của nhà trường."]
_FOCUS = {"state": ["Đã có kế hoạch nhưng chưa theo dõi thường xuyên", "Giáo viên đạt chuẩn 100%",
                    "Phòng học bộ môn xuống cấp", "Đã có kênh liên lạc với cha mẹ học sinh",
                    "Dữ liệu ngành cập nhật chưa kịp thời"],
          "gap": ["Chưa phân công người theo dõi", "Đánh giá học sinh còn nặng điểm số",
                  "Thiết bị hư hỏng, thiếu",
                  "Bắt nạt trực tuyến có chiều hướng tăng", "Thông tin chưa đến kịp thời"],
          "cause": ["Kinh phí hạn chế", "Bồi dưỡng chưa sâu", "Chưa phân công cụ thể",
                    "Nhận thức của một bộ phận cha mẹ học sinh chưa đầy đủ"]}
_INDICATORS = ["Tỷ lệ nhiệm vụ hoàn thành đạt từ 80% trở lên", "100% giáo viên tham gia",
               "Phòng được nghiệm thu, đưa vào sử dụng", "Có biên bản, sản phẩm cụ thể",
               "100% lớp có kênh liên lạc hoạt động", "Không có phản ánh tồn đọng"]
_RESOURCES = ["Không", "Ngân sách nhà nước", "5.000.000 đồng từ chi thường xuyên", "Nguồn xã hội hóa",
              "Thiết bị hiện có", "Kinh phí chi thường xuyên"]
_EVIDENCE = ["Biên bản họp, kế hoạch", "Bảng theo dõi tiến độ", "Ảnh, biên bản nghiệm thu",
             "Sổ theo dõi, danh sách"]
_OUTPUTS = ["Kế hoạch được phê duyệt", "Biên bản họp", "Quyết định kiện toàn", "Sổ theo dõi",
            "Danh mục thiết bị",
            "Báo cáo kết quả", "Hồ sơ lưu trữ đầy đủ"]
_SUPPORTS = ["Kinh phí chi thường xuyên", "Không", "Sự hỗ trợ của Phòng GDĐT", "Nguồn xã hội hóa", ""]
_NOTES = ["", "", "Ưu tiên", "Tiêu chí bắt buộc", "Theo thực tế"]

_ROLE_WORDS = {
    "tt": ["TT", "STT", "Số TT"],
    "criterion": ["Tiêu chuẩn, tiêu chí", "Tiêu chí", "Tiêu chuẩn/Tiêu chí", "Tiêu chí cần cải tiến", "Mã TC",
                  "Gắn với tiêu chí"],
    "title": ["Tên tiêu chí", "Nội dung tiêu chí"],
    "target": ["Kết quả cần đạt (so với hiện trạng)", "Mục tiêu", "Mục tiêu cần đạt", "Mức cần đạt",
               "Kết quả cần đạt"],
    "task": ["Công việc/giải pháp cần thực hiện", "Giải pháp", "Nội dung công việc", "Biện pháp thực hiện",
             "Các biện pháp cải tiến", "Nhiệm vụ, giải pháp", "Hoạt động/giải pháp"],
    "owners": ["Chủ trì và phối hợp thực hiện", "Người thực hiện", "Người phụ trách", "Bộ phận thực hiện",
               "Người chịu trách nhiệm", "Phân công"],
    "output": ["Sản phẩm/kết quả cần đạt được", "Sản phẩm", "Minh chứng", "Kết quả dự kiến"],
    "timeline": ["Thời gian thực hiện và hoàn thành", "Thời gian", "Thời gian hoàn thành", "Thời hạn",
                 "Tiến độ"],
    "support": ["Điều kiện hỗ trợ khác", "Nguồn lực", "Kinh phí", "Điều kiện thực hiện"],
    "note": ["Ghi chú"],
}
_ROLE_WORDS_EN = {"tt": ["No."], "criterion": ["Criterion", "Criteria"], "title": ["Title"],
                  "target": ["Target"], "task": ["Task", "Tasks"], "owners": ["Owner", "Responsible"],
                  "output": ["Output", "Deliverable"], "timeline": ["Timeline", "Deadline"],
                  "support": ["Support"], "note": ["Note"]}
_BARE_HEADERS = ["Mã TC", "Tiêu chí", "Gắn với tiêu chí", "Mã tiêu chí"]
_SPLIT_HEADERS = {"timeline": (["Thời gian", "Thời gian thực hiện"],
                               [("Bắt đầu", "Kết thúc"), ("Bắt đầu", "Hoàn thành"), ("Từ", "Đến")]),
                  "owners": (["Người thực hiện", "Phân công thực hiện", "Đơn vị/cá nhân thực hiện"],
                             [("Chủ trì", "Phối hợp")])}
_SPLIT_HEADERS_EN = {"timeline": (["Timeline"], [("Start", "End")]),
                     "owners": (["People"], [("Lead", "Helpers")])}
_V_COLUMNS = ["TT", "Nội dung cải tiến", "Mục tiêu cải tiến", "Hoạt động/giải pháp",
              "Chỉ số đánh giá kết quả", "Thời gian thực hiện", "Đơn vị/cá nhân phụ trách", "Nguồn lực bảo đảm",
              "Thông tin, dữ liệu hoặc minh chứng dự kiến", "Mức độ thực hiện"]
_CRITERION_STYLES = ["tieu_chi", "tc", "tc_tight", "lead_dot", "lead_colon"]
_ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]


# ---------------------------------------------------------------- one document being written

class _Doc:
    """The choices made for one document, what it holds so far and the plan it states."""

    def __init__(self, rng: random.Random, fmt: str, layout: str):
        self.rng, self.fmt = rng, fmt
        self.level = self.pick(LEVELS)
        self.framework = TT57 if layout == "tt57" else self.pick(FRAMEWORKS_OF[self.level])
        first = self.pick((2026, 2027) if self.framework == TT57 else (2024, 2025))
        self.y1, self.y2 = first, first + 1
        self.year = f"{first}-{first + 1}"
        self.school, self.school_in_text = self._school()
        self.catalogue = CATALOGUE[self.framework]
        self.ids = list(self.catalogue["criteria"])
        self.circular = layout in ("tt57", "sar") or self.chance(0.85)
        self.expected = Expected(self.school, self.framework, self.level, self.year)
        self.blocks: list[Para | Table | NewSheet] = []
        self.disguise = self.pick((0.0, 0.0, 0.15))  # share of strings in NFD or with «Ð»
        self.wordlist = fmt == "docx" and self.chance(0.3)  # bullets drawn by Word, not typed
        self.decoy_left = self.chance(0.5)
        self.numbering = "roman" if layout == "tt57" else self.pick(["roman", "roman", "arabic", "none"])
        self.sections = 0
        self._pools: dict[str, list[str]] = {}

    def pick(self, seq):
        return self.rng.choice(seq)

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def add(self, *blocks) -> None:
        self.blocks.extend(blocks)

    def section(self, title: str) -> Para:
        """A section heading, numbered the document's way: «III. …», «3. …» or bare."""
        self.sections += 1
        number = {"roman": _ROMAN[self.sections - 1] + ". ", "arabic": f"{self.sections}. ",
                  "none": ""}[self.numbering]
        return Para(number + title, "heading")

    def _school(self) -> tuple[str, str]:
        if self.level == "gdtx":
            name = self.pick(_DISTRICTS)
        else:
            name = self.pick(_KINDERGARTENS if self.level == "mam_non" else _NAMES)
        letterhead, sentence = self.pick(_SCHOOL_FORMS[self.level])
        return (letterhead.format(N=name.upper(), n=name), sentence.format(N=name.upper(), n=name))

    def words(self, text: str) -> str:
        """A sentence in this level's words: «trẻ» in a kindergarten, «học viên» in a GDTX centre."""
        for old, new in _LEVEL_WORDS.get(self.level, []):
            text = text.replace(old, new)
        return text

    def theme(self, cid: str) -> str:
        base = (_THEMES_57 if self.framework == TT57 else _THEMES_2018)[cid.split(".")[0]]
        theme = _SPECIAL_THEMES[self.framework].get(cid, base)
        if self.level == "mam_non" and theme in ("teaching", "students", "activities"):
            return "children"
        return theme

    def take(self, theme: str) -> str:
        """A solution not used yet in this document, in its level's words; one in four as
        «Tiếp tục …» (carry on with …)."""
        if self.decoy_left and self.chance(0.15):
            self.decoy_left = False
            return self.pick(_DECOYS[self.level])
        pool = self._pools.get(theme)
        if pool is None:
            pool = [self.words(text) for text in _TASKS[theme]]
            self.rng.shuffle(pool)
            self._pools[theme] = pool
        if not pool:
            return self.take(self.pick([t for t in _TASKS if self._pools.get(t, True)]))
        text = pool.pop()
        return "Tiếp tục " + text[0].lower() + text[1:] if self.chance(0.25) else text

    def goal(self, theme: str) -> str:
        return self.words(self.pick(_GOALS[theme]))

    def target(self, theme: str) -> str:
        levels = _LEVEL_TARGETS_57 if self.framework == TT57 else _LEVEL_TARGETS_2018
        return self.pick(levels) if self.chance(0.6) else self.goal(theme)

    def title(self, cid: str) -> str:
        return self.catalogue["criteria"][cid]

    def year_text(self) -> str:
        return self.pick(["{}-{}", "{} - {}", "{} – {}", "{}–{}"]).format(self.y1, self.y2)

    def pick_ids(self, low: int, high: int) -> list[str]:
        count = self.rng.randint(low, min(high, len(self.ids)))
        chosen = set(self.rng.sample(self.ids, count))
        return [cid for cid in self.ids if cid in chosen]


# ---------------------------------------------------------------- small word helpers

def _strip_marks(text: str) -> str:
    text = text.replace("đ", "d").replace("Đ", "D")
    return unicodedata.normalize("NFC", "".join(
        ch for ch in unicodedata.normalize("NFD", text) if unicodedata.category(ch) != "Mn"))


def _typo(rng: random.Random, text: str) -> str:
    """One letter of one longer word dropped or swapped with the next."""
    words = text.split(" ")
    long = [i for i, word in enumerate(words) if len(word) >= 5 and word.isalpha()]
    if not long:
        return text
    i = rng.choice(long)
    word = words[i]
    at = rng.randrange(1, len(word) - 1)
    if rng.random() < 0.5:
        words[i] = word[:at] + word[at + 1:]
    else:
        words[i] = word[:at] + word[at + 1] + word[at] + word[at + 2:]
    return " ".join(words)


def _break_line(rng: random.Random, text: str) -> str:
    """A header as typed on two lines inside its cell."""
    spaces = [i for i, ch in enumerate(text) if ch == " "]
    at = rng.choice(spaces)
    return text[:at] + "\n" + text[at + 1:]


def _disguised(rng: random.Random, text: str, share: float) -> str:
    """The same words as a careless editor saves them: decomposed accents, «Ð» for «Đ»."""
    if share and rng.random() < share:
        text = unicodedata.normalize("NFD", text)
    if share and rng.random() < share:
        text = text.replace("Đ", "\u00d0")
    return text


def _shown(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _ids_consecutive(doc: _Doc, ids: list[str]) -> bool:
    positions = [doc.ids.index(cid) for cid in ids]
    return positions == list(range(positions[0], positions[0] + len(ids)))


# ---------------------------------------------------------------- references to criteria and standards

def _criterion_ref(doc: _Doc, cid: str, style: str, titled: bool) -> str:
    """How a heading or cell names a criterion: «Tiêu chí 1.3», «TC1.3», «1.3.», its title…"""
    if style == "title_only":
        return _title_variant(doc, cid)
    number = cid.split(".")[1] if style == "within" else cid
    head = {"tieu_chi": f"Tiêu chí {number}", "tieu_chi_upper": f"TIÊU CHÍ {number}", "tc": f"TC {number}",
            "tc_tight": f"TC{number}", "lead_dot": f"{number}.", "lead_colon": f"{number}:", "bare": number,
            "within": f"Tiêu chí {number}"}[style]
    if style == "bare" or not (titled or style in ("lead_dot", "lead_colon")):
        return head
    title = doc.title(cid)
    if style in ("lead_dot", "lead_colon"):
        return f"{head} {title}"
    if style == "tieu_chi_upper":
        title = title.upper()
    return head + doc.pick([": ", ". ", " - ", ": "]) + title


def _title_variant(doc: _Doc, cid: str) -> str:
    title = doc.title(cid)
    roll = doc.rng.random()
    if roll < 0.2:
        return _strip_marks(title)
    if roll < 0.4 and len(title) >= 20:
        return _typo(doc.rng, title)
    return title


def _titles_unique(doc: _Doc) -> bool:
    titles = [clean(_strip_marks(t)).lower() for t in doc.catalogue["criteria"].values()]
    return len(set(titles)) == len(titles)


def _ids_ref(doc: _Doc, ids: list[str], prefix: str) -> str:
    """Several criteria in one cell: «3.1; 3.4», «3.1, 3.4», «1.1 – 1.3»."""
    if len(ids) >= 2 and _ids_consecutive(doc, ids) and doc.chance(0.5):
        body = f"{ids[0]} {doc.pick(['–', '-'])} {ids[-1]}"
    else:
        body = doc.pick(["; ", ", "]).join(ids)
    return prefix + body


def _standard_ref(doc: _Doc, std: str, style: str) -> str:
    """«Tiêu chuẩn 2: …», «TC2: …», «Tiêu chuẩn II: …», «TIÊU CHUẨN 2. …»."""
    title = doc.catalogue["standards"][std]
    roman = _ROMAN[int(std) - 1]
    head, text = {"number": (f"Tiêu chuẩn {std}", title), "upper": (f"TIÊU CHUẨN {std}", title.upper()),
                  "tc": (f"TC{std}", title), "roman": (f"Tiêu chuẩn {roman}", title)}[style]
    return head + doc.pick([": ", ". ", " - ", ": "]) + text


def _standard_style(doc: _Doc) -> str:
    return doc.pick(["number", "number", "upper", "tc", "roman"])


def _by_standard(ids: list[str]):
    return groupby(ids, key=lambda cid: cid.split(".")[0])


# ---------------------------------------------------------------- owners and timelines

def _owner_phrases(doc: _Doc) -> list[str]:
    leaders = _LEADERS["gdtx" if doc.level == "gdtx" else "school"]
    own = _STAFF[doc.level] if doc.level in ("mam_non", "gdtx") else _STAFF["school"]
    others = _STAFF["common"] + own + ([_YOUTH[doc.level]] if doc.level in _YOUTH else [])
    chosen = [doc.pick(leaders)] if doc.chance(0.8) else []
    chosen += doc.rng.sample([o for o in others if o not in chosen], doc.rng.randint(0, 2))
    return chosen or [doc.pick(others)]


def _owners_cell(doc: _Doc, lines: bool = True) -> str:
    """An owners cell as schools type it: «HT, PHT», «HT; Kế toán», «Chủ trì: HT\\nPhối hợp: TTCM»."""
    phrases = _owner_phrases(doc)
    if len(phrases) >= 2 and doc.chance(0.15):
        glue = "\n" if lines and doc.chance(0.5) else "; "
        return f"Chủ trì: {phrases[0]}{glue}Phối hợp: {', '.join(phrases[1:])}"
    separators = [", ", "; ", " - ", " + "] + ([" và "] if len(phrases) == 2 else [])
    separators += ["\n"] if lines else []
    return doc.pick(separators).join(phrases)


def _timeline_cell(doc: _Doc) -> str:
    y1, y2 = doc.y1, doc.y2
    return doc.pick([
        f"Tháng 9/{y1}", f"Tháng 10/{y1}", f"Tháng 12/{y1}", f"Tháng 11 năm {y1}", f"Tháng 3/{y2}",
        "Học kỳ I", "Học kỳ II", "Hằng tháng", "Hàng tháng", "Hằng tuần", "Cả năm học", "Thường xuyên",
        f"Năm học {doc.year}", f"Từ tháng 9/{y1} đến tháng 5/{y2}", f"Tháng 9/{y1} - Tháng 12/{y1}",
        "Cuối học kỳ I", "Cuối năm học", f"Quý I/{y2}", f"Trước 30/11/{y1}", "Định kỳ mỗi học kỳ",
        f"Năm {y2}", f"Quý I năm {y2}", f"Quý 2/{y2}", "Hằng quý", "Hằng tuần",
    ])


def _timeline_pair(doc: _Doc) -> tuple[str, str, str]:
    """Start and end cells under «Thời gian», and the timeline they state."""
    start = doc.pick([f"Tháng 9/{doc.y1}", f"01/9/{doc.y1}", f"Tháng 10/{doc.y1}", "Học kỳ I"])
    end = doc.pick([f"Tháng 12/{doc.y1}", f"Tháng 5/{doc.y2}", f"30/11/{doc.y1}", "Cuối năm học"])
    roll = doc.rng.random()
    if roll < 0.15:
        return "", end, end
    if roll < 0.25:
        return start, "", start
    return start, end, f"{start} – {end}"


# ---------------------------------------------------------------- front and back matter

def _letterhead(doc: _Doc) -> None:
    if doc.level in ("thpt", "gdtx"):
        above = doc.pick(["SỞ GIÁO DỤC VÀ ĐÀO TẠO {P}", "SỞ GD&ĐT {P}"]).format(P=doc.pick(_PROVINCES))
    else:
        above = doc.pick(["PHÒNG GIÁO DỤC VÀ ĐÀO TẠO {D}", "UBND {D}", "UBND XÃ TÂN LẬP"]).format(
            D=doc.pick(_DISTRICTS).upper())
    number = f"Số: {doc.rng.randint(3, 250)}/KH-{doc.pick(['NT', 'HĐTĐG', 'KĐCL'])}"
    dated = f"{doc.pick(_PLACES)}, ngày {doc.rng.randint(5, 28)} tháng {doc.pick([9, 10])} năm {doc.y1}"
    motto = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"
    if doc.fmt == "docx" and doc.chance(0.5):
        doc.add(Table([[f"{above}\n{doc.school}\n{number}", f"{motto}\n\n{dated}"]], plain=True))
        return
    doc.add(Para(above), Para(doc.school, "title"), *[Para(line, "title") for line in motto.split("\n")],
            Para(number), Para(dated, "right"))


def _plan_title(doc: _Doc) -> None:
    year = doc.year_text()
    lines = doc.pick([
        [f"KẾ HOẠCH CẢI TIẾN CHẤT LƯỢNG GIÁO DỤC NĂM HỌC {year}"],
        ["KẾ HOẠCH", f"Cải tiến chất lượng giáo dục năm học {year}"],
        ["KẾ HOẠCH", "CẢI TIẾN CHẤT LƯỢNG", f"NĂM HỌC: {year}"],
    ])
    doc.add(*[Para(line, "title") for line in lines])


def _bases(doc: _Doc) -> list[str]:
    """The «Căn cứ …» lines: the framework's circular when stated, and others around it."""
    code = doc.pick(["TT-BGDĐT", "TT-BGDĐT", "TT-BGDDT", "TT-BGD&ĐT"])
    bases = [_OTHER_BASES[doc.level]] if doc.chance(0.5) else []
    if doc.chance(0.3):
        bases.append(_FACILITY_BASE)
    if doc.circular:
        bases.insert(doc.rng.randint(0, len(bases)), _CIRCULARS[doc.framework].format(code=code))
        if doc.framework != TT57 and doc.chance(0.5):
            bases.append(_GUIDANCE_2018)
    if doc.framework == TT57 and doc.level in ("thcs", "thpt") and doc.chance(0.15):
        bases.append(f"Căn cứ kết quả tự đánh giá năm học {doc.y1 - 1}-{doc.y1} theo Thông tư số "
                     f"18/2018/TT-BGDĐT;")
    bases.append(f"Căn cứ kết quả tự đánh giá năm học {doc.y1 - 1}-{doc.y1} của nhà trường;")
    bases.append(f"Căn cứ vào tình hình thực tế, {doc.school_in_text} xây dựng kế hoạch cải tiến chất lượng "
                 f"giáo dục năm học {doc.year} như sau:")
    return bases


def _bullets(doc: _Doc, texts: list[str], marker: str | None = None) -> list[Para]:
    marker = marker or doc.pick(["- ", "+ ", "• ", "1. "])
    return [Para(text, "list", f"{i}. " if marker == "1. " else marker) for i, text in enumerate(texts, 1)]


def _front(doc: _Doc) -> None:
    """Letterhead, title, «Căn cứ», «Mục đích, yêu cầu»: nothing here is a task."""
    _letterhead(doc)
    _plan_title(doc)
    doc.add(doc.section("CĂN CỨ XÂY DỰNG KẾ HOẠCH"), *[Para(text) for text in _bases(doc)],
            doc.section("MỤC ĐÍCH, YÊU CẦU"), *_bullets(doc, doc.rng.sample(_PURPOSES, 3)))


def _weak_criteria_note(doc: _Doc, ids: list[str]) -> None:
    """Front matter that names criteria in passing: «… chưa đạt Mức 2 (tiêu chí 1.5, 3.2)»."""
    named = ", ".join(ids[:3])
    doc.add(doc.section(f"KẾT QUẢ TỰ ĐÁNH GIÁ NĂM HỌC {doc.y1 - 1}-{doc.y1}"),
            Para(f"Qua tự đánh giá, nhà trường còn một số tiêu chí chưa đạt Mức 2 (tiêu chí {named}); "
                 f"các tiêu chí còn lại duy trì kết quả năm học trước."))


def _assessment_table(doc: _Doc) -> Table:
    """Criteria × levels with «x»: a results table, not tasks."""
    top = 2 if doc.framework == TT57 else 3
    levels = [f"Mức {n}" for n in range(1, top + 1)]
    two_rows = doc.chance(0.5)
    if two_rows:
        rows = [["Tiêu chuẩn, tiêu chí", "Không đạt", "Đạt"] + [""] * (top - 1), ["", ""] + levels]
        merges = [(0, 0, 1, 0), (0, 1, 1, 1), (0, 2, 0, 1 + top)]
    else:
        rows, merges = [["Tiêu chí", "Không đạt"] + levels], []
    shown = [s for s, _ in _by_standard(doc.ids)][:doc.rng.randint(1, 3)]
    for std, cids in _by_standard(doc.ids):
        if std not in shown:
            continue
        rows.append([f"Tiêu chuẩn {std}"] + [""] * (1 + top))
        for cid in cids:
            reached = doc.rng.randint(1, top)
            rows.append([f"Tiêu chí {cid}", ""] + [doc.pick(["x", "x", "Đạt"]) if n <= reached else ""
                                                   for n in range(1, top + 1)])
    return Table(rows, 2 if two_rows else 1, merges)


def _council(doc: _Doc) -> Table:
    """The council's members and duties: their duties name standards and criteria."""
    rows = [["TT", "Họ và tên", "Chức vụ", "Nhiệm vụ"]]
    duties = ["Chủ tịch Hội đồng", "Phó Chủ tịch Hội đồng", "Thư ký", "Ủy viên, phụ trách Tiêu chuẩn 2",
              "Ủy viên, phụ trách tiêu chí 1.1 – 1.5", "Ủy viên"]
    posts = {"mam_non": ["Hiệu trưởng", "Phó hiệu trưởng", "Tổ trưởng tổ mẫu giáo", "Tổ trưởng tổ nuôi dưỡng",
                         "Giáo viên"],
             "gdtx": ["Giám đốc", "Phó Giám đốc", "Tổ trưởng tổ chuyên môn", "Tổ trưởng tổ Hành chính",
                      "Giáo viên"]}.get(doc.level, ["Hiệu trưởng", "Phó hiệu trưởng", "Tổ trưởng tổ Toán",
                                                    "Tổ trưởng tổ Văn phòng", "Giáo viên"])
    for i, (name, post, duty) in enumerate(zip(doc.rng.sample(_PEOPLE, 5), posts, duties), 1):
        rows.append([str(i), name, post, duty])
    return Table(rows)


def _signature(doc: _Doc) -> None:
    head = "GIÁM ĐỐC" if doc.level == "gdtx" else doc.pick(["HIỆU TRƯỞNG",
                                                            "KT. HIỆU TRƯỞNG\nPHÓ HIỆU TRƯỞNG"])
    sign = f"{head}\n(Ký tên, đóng dấu)\n\n{doc.pick(_PEOPLE)}"
    receivers = "Nơi nhận:\n- Phòng GDĐT (để b/c);\n- Các tổ chuyên môn (để t/h);\n- Lưu: VT."
    if doc.fmt == "docx" and doc.chance(0.5):
        doc.add(Table([[receivers, sign]], plain=True))
        return
    doc.add(*[Para(line, "right") for line in sign.split("\n")],
            *[Para(line, "italic") for line in receivers.split("\n")])


def _back(doc: _Doc) -> None:
    """«Tổ chức thực hiện» (numbered duties that look like tasks), the closing line, signatures."""
    doc.add(doc.section("TỔ CHỨC THỰC HIỆN"),
            *_bullets(doc, doc.rng.sample(_DUTIES, 4), doc.pick(["1. ", "- "])),
            Para(f"Trên đây là kế hoạch cải tiến chất lượng giáo dục năm học {doc.year} của "
                 f"{doc.school_in_text}. Đề nghị cán bộ, giáo viên, nhân viên nghiêm túc thực hiện./."))
    _signature(doc)


# ---------------------------------------------------------------- the plan table (2018 layout, sheets)

@dataclass
class _Unit:
    """Criteria sharing the rows that follow them, and those rows' solutions."""

    ids: list[str]
    target: str | None
    texts: list[str]


@dataclass
class _TableStyle:
    roles: list[str]
    labels: dict[str, str]
    split: dict[str, tuple[str, tuple[str, str]]]
    ref: str
    titled: bool
    standard_rows: str | None  # "span" | "cells" | None
    standard_style: str
    continuation: str  # "blank" | "merge" | "repeat"
    per_row_numbers: bool
    bullets: float  # share of rows whose task cell holds several bulleted solutions
    marker: str
    repeat_header: float
    numeric_ids: bool = False
    columns: list[tuple[str, str | None]] = field(default_factory=list)


def _units(doc: _Doc, ids: list[str], allow_groups: bool, per_unit: tuple[int, int]) -> list[_Unit]:
    """The plan's criteria, a few run together in one row («3.1; 3.4», «1.1 – 1.3»)."""
    units, i = [], 0
    while i < len(ids):
        size = 1
        if allow_groups and doc.chance(0.15):
            same = [c for c in ids[i:i + 3] if c.split(".")[0] == ids[i].split(".")[0]]
            size = len(same)
        group = ids[i:i + size]
        theme = doc.theme(group[0])
        texts = [doc.take(theme) for _ in range(doc.rng.randint(*per_unit))]
        units.append(_Unit(group, doc.target(theme), texts))
        i += size
    return units


def _table_style(doc: _Doc, sheet: bool) -> _TableStyle:
    roles = ["tt", "criterion", "target", "task", "owners", "output", "timeline", "support", "note"]
    roles = [r for r in roles if r in ("criterion", "task") or doc.chance(
        {"tt": 0.8, "target": 0.7, "owners": 0.95, "output": 0.5, "timeline": 0.95, "support": 0.4,
         "note": 0.4}[r])]
    if "owners" not in roles and "timeline" not in roles:
        roles.append("timeline")  # a row with a task cell alone could not be told from a cut row's tail
    ref = doc.pick(_CRITERION_STYLES + ["bare", "bare", "within"]
                   + (["title_only"] if _titles_unique(doc) else []))
    title_column = sheet and (ref == "bare" or doc.chance(0.2)) and ref != "title_only"
    if ref == "bare" and not doc.circular and not title_column:
        ref = "tieu_chi"  # nothing else would tell the framework
    if title_column:
        roles.insert(roles.index("criterion") + 1, "title")
    if doc.chance(0.25):
        rest = [r for r in roles if r not in ("tt", "criterion", "title")]
        doc.rng.shuffle(rest)
        roles = [r for r in roles if r in ("tt", "criterion", "title")] + rest
    words = doc.pick(["vi"] * 6 + ["plain", "upper"] + (["en", "en"] if sheet else []))
    split = {role: _split_labels(doc, role, words) for role in ("timeline", "owners")
             if role in roles and doc.chance(0.15)}
    labels = {role: _role_label(doc, role, words, ref) for role in roles}
    standard_rows = doc.pick(["span", "cells", None]) if ref != "within" else doc.pick(["span", "cells"])
    continuation = doc.pick(["blank", "merge", "repeat"] if doc.fmt != "txt" else ["blank", "repeat"])
    titled = (not doc.circular or doc.chance(0.4)) and not title_column
    style = _TableStyle(roles, labels, split, ref, titled=titled,
                        standard_rows=standard_rows, standard_style=_standard_style(doc),
                        continuation=continuation, per_row_numbers=doc.chance(0.3),
                        bullets=doc.pick([0.0, 0.3, 0.6]), marker=doc.pick(["- ", "+ ", "• ", "1. "]),
                        repeat_header=doc.pick([0.0, 0.0, 0.08]),
                        numeric_ids=sheet and ref == "bare" and doc.chance(0.3))
    style.columns = [(role, part) for role in roles
                     for part in ((("a", "b") if role in split else (None,)))]
    return style


def _role_label(doc: _Doc, role: str, words: str, ref: str) -> str:
    if words == "en":
        return doc.pick(_ROLE_WORDS_EN[role])
    choices = _ROLE_WORDS[role]
    if role == "criterion":  # a code column holds codes
        choices = _BARE_HEADERS if ref == "bare" else [c for c in choices if c != "Mã TC"]
    label = doc.pick(choices)
    if words == "plain":
        label = _strip_marks(label)
    elif words == "upper":
        label = label.upper()
    if " " in label and doc.chance(0.2):
        label = _break_line(doc.rng, label)
    return label


def _split_labels(doc: _Doc, role: str, words: str) -> tuple[str, tuple[str, str]]:
    parents, children = (_SPLIT_HEADERS_EN if words == "en" else _SPLIT_HEADERS)[role]
    return doc.pick(parents), doc.pick(children)


def _header(style: _TableStyle) -> tuple[list[list[object]], list[tuple[int, int, int, int]]]:
    """One header row, or two when a column is split («Thời gian» over «Bắt đầu» | «Kết thúc»)."""
    if not style.split:
        return [[style.labels[role] for role in style.roles]], []
    top, bottom, merges = [], [], []
    for role in style.roles:
        at = len(top)
        if role in style.split:
            parent, (left, right) = style.split[role]
            top += [parent, ""]
            bottom += [left, right]
            merges.append((0, at, 0, at + 1))
        else:
            top.append(style.labels[role])
            bottom.append("")
            merges.append((0, at, 1, at))
    return [top, bottom], merges


class _TableWriter:
    """Rows of a plan table, with the expectation each row states."""

    def __init__(self, doc: _Doc, style: _TableStyle):
        self.doc, self.style = doc, style
        self.head, self.head_merges = _header(style)
        self.table = Table([list(row) for row in self.head], len(self.head), list(self.head_merges))
        self.number = 0

    def col(self, role: str, part: str | None = None) -> int | None:
        key = (role, part)
        return self.style.columns.index(key) if key in self.style.columns else None

    def blank_row(self) -> list[object]:
        return [""] * len(self.style.columns)

    def repeat_header(self) -> None:
        if len(self.table.rows) <= len(self.head) or not self.doc.chance(self.style.repeat_header):
            return
        at = len(self.table.rows)
        self.table.page_breaks.add(at)
        self.table.rows += [list(row) for row in self.head]
        self.table.merges += [(r0 + at, c0, r1 + at, c1) for r0, c0, r1, c1 in self.head_merges]

    def standard(self, std: str) -> None:
        text = _standard_ref(self.doc, std, self.style.standard_style)
        row = self.blank_row()
        if self.style.standard_rows == "span":
            row[0] = text
            self.table.merges.append((len(self.table.rows), 0, len(self.table.rows), len(row) - 1))
        else:
            row[self.col("criterion")] = text
            if self.col("tt") is not None:
                row[self.col("tt")] = self.doc.pick([_ROMAN[int(std) - 1], std, ""])
        self.table.rows.append(row)

    def unit(self, unit: _Unit) -> None:
        self.number += 1
        first = len(self.table.rows)
        groups = self._groups(unit.texts)
        for k, group in enumerate(groups):
            if k and self.style.continuation != "merge":
                self.repeat_header()
            row = self.blank_row()
            if k == 0 or self.style.per_row_numbers:
                self._put(row, "tt", str(self.number + k))
            if k == 0 or self.style.continuation == "repeat":
                self._name(row, unit)
            self._solutions(row, unit, group)
            self.table.rows.append(row)
        if self.style.per_row_numbers:
            self.number += len(groups) - 1
        last = len(self.table.rows) - 1
        if self.style.continuation == "merge" and last > first:
            for role in ("tt", "criterion", "title", "target"):
                if self.col(role) is not None:
                    self.table.merges.append((first, self.col(role), last, self.col(role)))

    def _groups(self, texts: list[str]) -> list[list[str]]:
        groups, i = [], 0
        while i < len(texts):
            size = self.doc.rng.randint(2, 3) if self.doc.chance(self.style.bullets) else 1
            groups.append(texts[i:i + size])
            i += size
        return groups

    def _put(self, row: list[object], role: str, value: object, part: str | None = None) -> None:
        at = self.col(role, part)
        if at is not None:
            row[at] = value

    def _name(self, row: list[object], unit: _Unit) -> None:
        doc, style = self.doc, self.style
        if len(unit.ids) > 1:
            prefix = "" if style.ref == "bare" else doc.pick(["", "Tiêu chí ", "TC "])
            ref = _ids_ref(doc, unit.ids, prefix)
        elif style.numeric_ids and not unit.ids[0].endswith("0"):  # Excel would show 1.10 as 1.1
            ref = float(unit.ids[0])  # typed into Excel as a number
        else:
            ref = _criterion_ref(doc, unit.ids[0], style.ref, style.titled)
        self._put(row, "criterion", ref)
        self._put(row, "title", "; ".join(doc.title(cid) for cid in unit.ids))
        if "target" in style.roles and unit.target:
            self._put(row, "target", unit.target)
            doc.expected.aim(unit.ids, unit.target)

    def _solutions(self, row: list[object], unit: _Unit, texts: list[str]) -> None:
        doc, style = self.doc, self.style
        if len(texts) > 1:
            marks = [f"{i}. " if style.marker == "1. " else style.marker for i in range(1, len(texts) + 1)]
            cell = "\n".join(mark + text + ";" for mark, text in zip(marks, texts))
        else:
            cell = (style.marker if doc.chance(0.1) else "") + texts[0] + doc.pick(["", "."])
        self._put(row, "task", cell)
        owners = self._owners(row)
        timeline = self._timeline(row)
        self._put(row, "output", doc.pick(_OUTPUTS))
        self._put(row, "support", doc.pick(_SUPPORTS))
        self._put(row, "note", doc.pick(_NOTES))
        for text in texts:
            doc.expected.add(unit.ids, text, owners, timeline)

    def _owners(self, row: list[object]) -> list[str]:
        if "owners" not in self.style.roles:
            return []
        if "owners" in self.style.split:
            phrases = _owner_phrases(self.doc)
            lead, helpers = phrases[0], ", ".join(phrases[1:])
            self._put(row, "owners", lead, "a")
            self._put(row, "owners", helpers, "b")
            return split_owner_phrases(lead) + split_owner_phrases(helpers)
        cell = _owners_cell(self.doc)
        self._put(row, "owners", cell)
        return split_owner_phrases(cell)

    def _timeline(self, row: list[object]) -> str | None:
        if "timeline" not in self.style.roles:
            return None
        if "timeline" in self.style.split:
            start, end, stated = _timeline_pair(self.doc)
            self._put(row, "timeline", start, "a")
            self._put(row, "timeline", end, "b")
            return stated
        cell = _timeline_cell(self.doc)
        self._put(row, "timeline", cell)
        return cell


def _plan_table(doc: _Doc, units: list[_Unit], sheet: bool = False) -> Table:
    writer = _TableWriter(doc, _table_style(doc, sheet))
    if sheet and doc.chance(0.3):
        writer.table.rows.append(writer.blank_row())
    for std, group in groupby(units, key=lambda unit: unit.ids[0].split(".")[0]):
        if writer.style.standard_rows:
            writer.repeat_header()
            writer.standard(std)
        for unit in group:
            writer.unit(unit)
    return writer.table


def _schedule_table(doc: _Doc) -> Table:
    """«Lộ trình thực hiện»: the year's steps of the QA process, with no criterion: not tasks."""
    rows = [["Thời gian", "Nội dung công việc", "Người thực hiện"],
            [f"Tháng 9/{doc.y1}", "Xây dựng, ban hành kế hoạch cải tiến chất lượng", "Hội đồng tự đánh giá"],
            ["Cuối học kỳ I", "Rà soát, điều chỉnh kế hoạch", "Hiệu trưởng"],
            [f"Tháng 5/{doc.y2}", "Tổng kết, đánh giá việc thực hiện kế hoạch", "Hội đồng tự đánh giá"]]
    return Table(rows)


def _layout_table(doc: _Doc) -> None:
    _front(doc)
    ids = doc.pick_ids(3, 12)
    if doc.chance(0.3):
        _weak_criteria_note(doc, ids)
    if doc.chance(0.25):
        doc.add(Para("Bảng tổng hợp kết quả tự đánh giá:", "italic"), _assessment_table(doc))
    if doc.chance(0.2):
        doc.add(Para("Thành lập Hội đồng tự đánh giá gồm các thành viên sau:"), _council(doc))
    doc.add(doc.section("NỘI DUNG KẾ HOẠCH CẢI TIẾN CHẤT LƯỢNG"))
    doc.add(_plan_table(doc, _units(doc, ids, allow_groups=doc.circular, per_unit=(1, 4))))
    if doc.chance(0.25):
        doc.add(doc.section("LỘ TRÌNH THỰC HIỆN"), _schedule_table(doc))
    _back(doc)


# ---------------------------------------------------------------- prose per criterion

@dataclass
class _ProseStyle:
    heading: str
    standard_style: str
    standard_number: bool
    target_form: str
    solutions_label: str | None
    bullets: str  # "marker" | "plain"
    marker: str
    ending: str
    owner_lines: bool


def _prose_style(doc: _Doc, owner_lines: bool) -> _ProseStyle:
    return _ProseStyle(
        heading=doc.pick(_CRITERION_STYLES + ["tieu_chi_upper", "within"]),
        standard_style=_standard_style(doc), standard_number=doc.chance(0.5),
        target_form=doc.pick(["Mục tiêu cần đạt: ", "Mục tiêu: ", "Kết quả cần đạt: ", "standalone"]),
        solutions_label=doc.pick([None, "Giải pháp thực hiện:", "Biện pháp thực hiện:",
                                  "Các giải pháp cải tiến:", "* Giải pháp:"]),
        bullets=doc.pick(["marker", "marker", "plain"]), marker=doc.pick(["- ", "+ ", "• ", "1. "]),
        ending=doc.pick(["", ";", "."]), owner_lines=owner_lines and doc.chance(0.5))


def _prose_plan(doc: _Doc, ids: list[str], owner_lines: bool) -> None:
    style = _prose_style(doc, owner_lines)
    for n, (std, cids) in enumerate(_by_standard(ids), 1):
        number = f"{n}. " if style.standard_number else ""
        doc.add(Para(number + _standard_ref(doc, std, style.standard_style), "heading"))
        for cid in cids:
            _prose_criterion(doc, cid, style)


def _prose_criterion(doc: _Doc, cid: str, style: _ProseStyle) -> None:
    theme = doc.theme(cid)
    titled = not doc.circular or doc.chance(0.8)
    doc.add(Para(_criterion_ref(doc, cid, style.heading, titled), "heading"))
    if style.solutions_label and doc.chance(0.5):
        doc.add(Para(f"Thực trạng: {doc.words(doc.pick(_SITUATIONS))}."))
    if doc.chance(0.75):
        _prose_target(doc, cid, theme, style)
    if style.solutions_label:
        doc.add(Para(style.solutions_label, "italic"))
    texts = [_prose_solution(doc, theme, style) for _ in range(doc.rng.randint(1, 4))]
    if style.bullets == "marker":
        marks = [f"{i}. " if style.marker == "1. " else style.marker for i in range(1, len(texts) + 1)]
        doc.add(*[Para(text + style.ending, "list", mark) for text, mark in zip(texts, marks)])
    else:
        doc.add(*[Para(text + ".") for text in texts])
    owners, timeline = [], None
    if style.owner_lines:
        cell, timeline = _owners_cell(doc, lines=False), _timeline_cell(doc)
        owners = split_owner_phrases(cell)
        doc.add(Para(f"{doc.pick(['Người thực hiện', 'Người phụ trách', 'Bộ phận thực hiện'])}: {cell}"),
                Para(f"{doc.pick(['Thời gian thực hiện', 'Thời gian', 'Thời gian hoàn thành'])}: {timeline}"))
    for text in texts:
        doc.expected.add([cid], text, owners, timeline)


def _prose_target(doc: _Doc, cid: str, theme: str, style: _ProseStyle) -> None:
    if style.target_form == "standalone":
        target = f"Phấn đấu đạt Mức {2 if doc.framework == TT57 else doc.pick([2, 3])}."
        doc.add(Para(target))
    else:
        target = doc.target(theme)
        doc.add(Para(style.target_form + target))
    doc.expected.aim([cid], target)


def _prose_solution(doc: _Doc, theme: str, style: _ProseStyle) -> str:
    """One solution; a plain paragraph sometimes holds two sentences (still one task)."""
    text = doc.take(theme)
    if style.bullets == "plain" and doc.chance(0.25):
        text = f"{text}. {doc.take(theme)}"
    return text


def _layout_prose(doc: _Doc) -> None:
    _front(doc)
    ids = doc.ids if doc.chance(0.3) else doc.pick_ids(3, 12)
    if doc.chance(0.3):
        _weak_criteria_note(doc, ids)
    doc.add(doc.section("NỘI DUNG KẾ HOẠCH CẢI TIẾN CHẤT LƯỢNG GIÁO DỤC"))
    _prose_plan(doc, ids, owner_lines=True)
    _back(doc)


def _layout_mixed(doc: _Doc) -> None:
    """Prose for every criterion, then a short task table for a few of them."""
    _front(doc)
    ids = doc.pick_ids(3, 10)
    doc.add(doc.section("NỘI DUNG KẾ HOẠCH CẢI TIẾN CHẤT LƯỢNG"))
    _prose_plan(doc, ids, owner_lines=False)
    doc.add(Para(doc.pick(["Bảng phân công nhiệm vụ cụ thể:", "PHÂN CÔNG THỰC HIỆN", "* Phân công cụ thể"]),
                 "heading"))
    table = _task_table(doc, doc.rng.sample(ids, doc.rng.randint(1, min(3, len(ids)))))
    table.cells_per_line = doc.fmt == "txt" and doc.chance(0.3)
    doc.add(table)
    _back(doc)


def _task_table(doc: _Doc, ids: list[str]) -> Table:
    ref = doc.pick(["bare", "tieu_chi", "tc"])
    header = [doc.pick(["TT", "STT"]), doc.pick(_BARE_HEADERS) if ref == "bare" else "Tiêu chí",
              doc.pick(["Nội dung công việc", "Công việc cụ thể", "Nhiệm vụ"]),
              doc.pick(["Người thực hiện", "Phụ trách"]), doc.pick(["Thời gian", "Thời hạn"])]
    rows = [header]
    for cid in [c for c in doc.ids if c in ids]:
        for _ in range(doc.rng.randint(1, 2)):
            text, owners, timeline = doc.take(doc.theme(cid)), _owners_cell(doc), _timeline_cell(doc)
            rows.append([str(len(rows)), _criterion_ref(doc, cid, ref, False), text, owners, timeline])
            doc.expected.add([cid], text, split_owner_phrases(owners), timeline)
    return Table(rows)


# ---------------------------------------------------------------- 57/2026, Biểu 2

def _layout_tt57(doc: _Doc) -> None:
    _letterhead(doc)
    _plan_title(doc)
    doc.add(doc.section("THÔNG TIN CHUNG"),
            Para(f"{doc.school_in_text[0].upper()}{doc.school_in_text[1:]}; {doc.rng.randint(8, 40)} lớp; "
                 f"{doc.rng.randint(20, 90)} cán bộ, giáo viên, nhân viên."),
            doc.section("CĂN CỨ"), *[Para(text) for text in _bases(doc)],
            doc.section("MỤC ĐÍCH, YÊU CẦU"), *_bullets(doc, doc.rng.sample(_PURPOSES, 2)))
    groups = _focus_groups(doc)
    improvement = _improvement_table(doc, groups)
    doc.add(doc.section("VẤN ĐỀ TRỌNG TÂM CẦN CẢI TIẾN"), _focus_table(doc, groups),
            doc.section("KẾ HOẠCH CẢI TIẾN"), improvement,
            doc.section("THEO DÕI, ĐÁNH GIÁ"), _monitoring_table(doc, len(improvement.rows) - 1),
            doc.section("TỔ CHỨC THỰC HIỆN"), *_bullets(doc, doc.rng.sample(_DUTIES, 3), "1. "),
            doc.section("CƠ CHẾ ĐÁNH GIÁ, BÁO CÁO"),
            Para("Rà soát, đánh giá tối thiểu 02 lần trong năm học; kết quả là căn cứ tự đánh giá năm "
                 "học tiếp theo."))
    _signature(doc)


def _focus_groups(doc: _Doc) -> list[list[str]]:
    """The focus table's rows: a standard and the criteria it names («4.1; 4.2»)."""
    groups = []
    for _, cids in _by_standard(doc.pick_ids(3, 8)):
        cids = list(cids)
        while cids:
            size = doc.rng.randint(1, min(3, len(cids)))
            groups.append(cids[:size])
            cids = cids[size:]
    return groups


def _focus_table(doc: _Doc, groups: list[list[str]]) -> Table:
    rows = [["TT", "Tiêu chuẩn", "Tiêu chí liên quan (nếu có)", "Đánh giá hiện trạng", "Điểm hạn chế",
             "Nguyên nhân"]]
    style = doc.pick(["number", "tc", "roman"])
    for i, ids in enumerate(groups, 1):
        std = ids[0].split(".")[0]
        named = {"number": f"Tiêu chuẩn {std}", "tc": f"TC{std}",
                 "roman": f"Tiêu chuẩn {_ROMAN[int(std) - 1]}"}[style]
        related = _ids_ref(doc, ids, doc.pick(["", "", "Tiêu chí "]))
        rows.append([str(i), named, related, doc.words(doc.pick(_FOCUS["state"])),
                     doc.words(doc.pick(_FOCUS["gap"])), doc.words(doc.pick(_FOCUS["cause"]))])
    return Table(rows)


def _improvement_table(doc: _Doc, groups: list[list[str]]) -> Table:
    """Section V: rows name their criteria in the content cell, or only through the TT of the
    focus-table row they belong to."""
    if doc.chance(0.25):
        return _linked_table(doc, groups)
    columns = _V_COLUMNS[:doc.rng.randint(7, 10)]
    table = Table([list(columns)])
    by_focus = doc.chance(0.4)
    merge = doc.fmt == "docx" and doc.chance(0.5)
    marker = doc.pick(["- ", "+ ", "• ", "1. "])
    for i, ids in enumerate(groups, 1):
        if by_focus:
            _focus_rows(doc, table, i, ids, merge, marker)
        else:
            for cid_group in _split_named(doc, ids):
                for _ in range(doc.rng.randint(1, 2)):
                    content = _named_content(doc, cid_group)
                    _v_row(doc, table, str(len(table.rows)), content, cid_group, marker)
    return table


def _linked_table(doc: _Doc, groups: list[list[str]]) -> Table:
    """Section V as some schools lay it out: «TT vấn đề» (the focus row) and beside it «Gắn với
    tiêu chí», the one or few criteria of that issue the row serves; the content cell then
    names none. The issue number may be written once over its rows."""
    link = doc.pick(["Gắn với tiêu chí", "Tiêu chí gắn với", "Tiêu chí liên quan"])
    columns = ["TT vấn đề", link, "Nội dung/giải pháp cải tiến", "Chỉ số đánh giá",
               "Thời gian thực hiện", "Đơn vị/cá nhân phụ trách", "Minh chứng dự kiến"]
    table = Table([columns])
    once = doc.chance(0.5)
    for number, ids in enumerate(groups, 1):
        for k, subset in enumerate(_split_named(doc, ids)):
            for j in range(doc.rng.randint(1, 2)):
                text = doc.take(doc.theme(subset[0]))
                owners, timeline = _owners_cell(doc), _timeline_cell(doc)
                ref = doc.pick([", ".join(subset), "; ".join(subset),
                                "Tiêu chí " + ", ".join(subset)])
                first = k == 0 and j == 0
                table.rows.append([str(number) if first or not once else "", ref, text,
                                   doc.pick(_INDICATORS), timeline, owners, doc.pick(_EVIDENCE)])
                doc.expected.add(subset, text, split_owner_phrases(owners), timeline)
    return table


def _split_named(doc: _Doc, ids: list[str]) -> list[list[str]]:
    if len(ids) > 1 and doc.chance(0.3):
        return [ids]
    return [[cid] for cid in ids]


def _named_content(doc: _Doc, ids: list[str]) -> str:
    """«Tiêu chí 1.4: …», «… (TC 1.3)», «1.3. …», «… (Tiêu chí 3.1, 3.4)»."""
    content = doc.words(doc.pick(_CONTENTS[doc.theme(ids[0])]))
    if len(ids) > 1:
        return f"{content} ({_ids_ref(doc, ids, doc.pick(['Tiêu chí ', 'TC ']))})"
    cid = ids[0]
    return doc.pick([f"Tiêu chí {cid}: {content}", f"{content} (TC {cid})", f"{content} (Tiêu chí {cid})",
                     f"{cid}. {content}", f"TC{cid} - {content}"])


def _focus_rows(doc: _Doc, table: Table, number: int, ids: list[str], merge: bool, marker: str) -> None:
    """Rows that name no criterion, under the focus row's TT: written once (then blank or one
    merged cell in Word) or on every row."""
    count = doc.rng.randint(1, 2)
    every = doc.chance(0.3)
    first = len(table.rows)
    for k in range(count):
        tt = str(number) if k == 0 or every else ""
        _v_row(doc, table, tt, doc.words(doc.pick(_CONTENTS[doc.theme(ids[0])])), ids, marker)
    if merge and count > 1 and not every:
        table.merges.append((first, 0, first + count - 1, 0))


def _v_row(doc: _Doc, table: Table, tt: str, content: str, ids: list[str], marker: str) -> None:
    theme = doc.theme(ids[0])
    goal = doc.goal(theme)
    texts = [doc.take(theme) for _ in range(doc.rng.choice([1, 1, 2, 3]))]
    if len(texts) > 1:
        marks = [f"{i}. " if marker == "1. " else marker for i in range(1, len(texts) + 1)]
        activities = "\n".join(mark + text for mark, text in zip(marks, texts))
    else:
        activities = texts[0]
    owners, timeline = _owners_cell(doc), _timeline_cell(doc)
    row = [tt, content, goal, activities, doc.pick(_INDICATORS), timeline, owners, doc.pick(_RESOURCES),
           doc.pick(_EVIDENCE), ""]
    table.rows.append(row[:len(table.rows[0])])
    doc.expected.aim(ids, goal)
    for text in texts:
        doc.expected.add(ids, text, split_owner_phrases(owners), timeline)


def _monitoring_table(doc: _Doc, tasks: int) -> Table:
    """Section VI: review moments, whose «nhiệm vụ 1–6» reads like a range of criteria."""
    reviewer = doc.pick(["Hội đồng tự đánh giá", "Hiệu trưởng"])
    return Table([["Thời điểm", "Nội dung theo dõi", "Kết quả thực hiện", "Điều chỉnh (nếu có)",
                   "Người đánh giá"],
                  ["Cuối học kỳ I", f"Tiến độ các nhiệm vụ 1–{tasks}", "", "", "Hội đồng tự đánh giá"],
                  ["Cuối năm học", f"Kết quả các nhiệm vụ 1–{tasks}", "", "", reviewer]])


# ---------------------------------------------------------------- self-assessment report

def _layout_sar(doc: _Doc) -> None:
    _letterhead(doc)
    doc.add(Para("BÁO CÁO TỰ ĐÁNH GIÁ", "title"), Para(f"NĂM HỌC {doc.year_text()}", "title"),
            Para("Phần I. CƠ SỞ DỮ LIỆU", "heading"),
            Para("Danh sách và chữ ký thành viên Hội đồng tự đánh giá:"), _council(doc),
            Para("Phần II. TỰ ĐÁNH GIÁ", "heading"), Para("A. ĐẶT VẤN ĐỀ", "heading"),
            Para(f"{_CIRCULARS[doc.framework].format(code='TT-BGDĐT')[:-1]}, {doc.school_in_text} "
                 f"tiến hành tự đánh giá và xây dựng kế hoạch cải tiến chất lượng năm học {doc.year}."),
            Para("B. TỰ ĐÁNH GIÁ", "heading"))
    style = doc.pick(["one_paragraph", "per_paragraph", "bullets"])
    for std, cids in _by_standard(doc.ids):
        cids = list(cids)
        doc.add(Para(_standard_ref(doc, std, "number"), "heading"),
                Para(f"Mở đầu: Tiêu chuẩn gồm {len(cids)} tiêu chí; nhà trường đã thực hiện đầy đủ "
                     f"các nội dung."))
        for cid in cids:
            _sar_criterion(doc, cid, style)
        doc.add(Para(f"Kết luận về Tiêu chuẩn {std}: {doc.pick(_STRENGTHS)}. Số lượng tiêu chí đạt yêu cầu: "
                     f"{len(cids)}/{len(cids)} tiêu chí."))
    doc.add(Para("Phần III. KẾT LUẬN CHUNG", "heading"),
            Para("Bảng tổng hợp kết quả tự đánh giá:"), _assessment_table(doc))
    _signature(doc)


def _sar_criterion(doc: _Doc, cid: str, style: str) -> None:
    level = doc.rng.randint(1, 2 if doc.framework == TT57 else 3)
    code = f"MC.{cid}.0{doc.rng.randint(1, 5)}" if doc.framework == TT57 else \
        f"[H{cid.split('.')[0]}-{cid}-0{doc.rng.randint(1, 5)}]"
    doc.add(Para(f"Tiêu chí {cid}: {doc.title(cid)}", "heading"), Para("Mức 1", "italic"),
            *[Para(text) for text in _REQUIREMENTS],
            Para("1. Mô tả hiện trạng", "heading"),
            Para(f"Năm học {doc.y1 - 1}-{doc.y1}, nhà trường thực hiện đầy đủ các yêu cầu của tiêu chí "
                 f"{code}."),
            Para("2. Điểm mạnh", "heading"), Para(doc.words(doc.pick(_STRENGTHS)) + "."),
            Para("3. Điểm yếu", "heading"), Para(doc.words(doc.pick(_WEAKNESSES)) + "."),
            Para("4. Kế hoạch cải tiến chất lượng", "heading"))
    sentences = [_sar_sentence(doc, cid) for _ in range(doc.rng.randint(1, 3))]
    if style != "one_paragraph" and doc.chance(0.3):
        doc.add(Para(f"Mức {doc.rng.randint(1, 2 if doc.framework == TT57 else 3)}", "italic"))
    if style == "one_paragraph":
        doc.add(Para(" ".join(sentences)))
    elif style == "per_paragraph":
        for text in sentences:
            doc.add(*[Para(piece) for piece in _broken_sentence(doc, text)])
    else:
        doc.add(*[Para(text, "list", "- ") for text in sentences])
    doc.add(*doc.pick([[Para(f"5. Tự đánh giá: Đạt Mức {level}", "heading")],
                       [Para("5. Tự đánh giá", "heading"), Para(f"Đạt Mức {level}.")]]))


def _broken_sentence(doc: _Doc, sentence: str) -> list[str]:
    """A sentence as a report sometimes carries it: cut over two paragraphs before a word in
    lower case, the first piece with no closing stop."""
    cuts = [i for i in range(len(sentence) // 3, len(sentence) - 10)
            if sentence[i] == " " and sentence[i + 1].islower() and sentence[i - 1].isalpha()]
    if not cuts or not doc.chance(0.2):
        return [sentence]
    at = doc.pick(cuts)
    return [sentence[:at], sentence[at + 1:]]


def _after_comma(subject: str) -> str:
    """«các tổ chuyên môn», «giáo viên chủ nhiệm» mid-sentence; titles keep their capital."""
    return subject[0].lower() + subject[1:] if subject.startswith(("Các ", "Giáo viên")) else subject


def _sar_sentence(doc: _Doc, cid: str) -> str:
    """«Năm học 2025-2026, Hiệu trưởng tham mưu …» or «Hiệu trưởng tham mưu … trong học kỳ I.»"""
    subject = doc.pick(_SUBJECTS["gdtx" if doc.level == "gdtx" else
                                 "mam_non" if doc.level == "mam_non" else "school"])
    action = doc.take(doc.theme(cid))
    action = action[0].lower() + action[1:]
    y1, y2 = doc.y1, doc.y2
    if doc.chance(0.6):
        lead, time = doc.pick([("", f"Năm học {doc.year}"), ("", "Học kỳ I"),
                               ("", f"Học kỳ I năm học {doc.year}"),
                               ("", f"Từ tháng 9/{y1}"), ("", f"Từ tháng 9/{y1} đến tháng 5/{y2}"),
                               ("", "Hằng tháng"), ("Trong ", f"năm học {doc.year}"), ("", f"Tháng 10/{y1}")])
        sentence = f"{lead}{time}, {_after_comma(subject)} {action}."
    else:
        lead, time = doc.pick([("trong ", "học kỳ I"), ("trong ", f"năm học {doc.year}"),
                               ("vào ", f"tháng 12/{y1}"),
                               ("", "hằng tháng"), ("", f"từ tháng 9/{y1} đến tháng 5/{y2}"),
                               ("trong ", "học kỳ II")])
        sentence = f"{subject} {action} {lead}{time}."
    doc.expected.add([cid], sentence, split_owner_phrases(subject), time)
    return sentence


# ---------------------------------------------------------------- spreadsheet

def _layout_sheet(doc: _Doc) -> None:
    ids = doc.pick_ids(3, 12)
    above = doc.pick(["PHÒNG GD&ĐT " + doc.pick(_DISTRICTS).upper(), "UBND XÃ TÂN LẬP", ""])
    titles = [above, doc.school, f"KẾ HOẠCH CẢI TIẾN CHẤT LƯỢNG NĂM HỌC {doc.year_text()}"]
    if doc.circular:
        number = doc.framework.split("/")[0][2:]
        titles.append(f"(Kèm theo Kế hoạch số {doc.rng.randint(3, 90)}/KH-NT, thực hiện theo Thông tư số "
                      f"{number}/{doc.framework.split('/')[1]}/TT-BGDĐT)")
    doc.add(*[Para(text, "title") for text in titles if text], Para(""))
    doc.add(_plan_table(doc, _units(doc, ids, allow_groups=doc.circular, per_unit=(1, 4)), sheet=True))
    doc.add(Para(""), Para("Người lập biểu", "right"), Para("HIỆU TRƯỞNG", "right"))
    if doc.chance(0.25):
        doc.add(NewSheet("Tu danh gia"), _assessment_table(doc))


_LAYOUTS = {"table": _layout_table, "tt57": _layout_tt57, "prose": _layout_prose, "mixed": _layout_mixed,
            "sar": _layout_sar, "sheet": _layout_sheet}


# ---------------------------------------------------------------- Word

def _write_docx(doc: _Doc, path: Path) -> None:
    document = docx.Document()
    headings = doc.chance(0.3)
    if doc.chance(0.3):
        document.sections[0].header.paragraphs[0].text = f"Kế hoạch cải tiến chất lượng năm học {doc.year}"
    for block in doc.blocks:
        if isinstance(block, Para):
            _docx_para(doc, document, block, headings)
        elif isinstance(block, Table):
            _docx_table(doc, document, block)
    document.save(path)


def _docx_para(doc: _Doc, document, block: Para, headings: bool) -> None:
    text = _disguised(doc.rng, block.text, doc.disguise)
    if block.kind == "list" and doc.wordlist:
        document.add_paragraph(text, style="List Number" if block.marker[:1].isdigit() else "List Bullet")
        return
    if block.kind == "heading" and headings:
        document.add_paragraph(text, style="Heading 2")
        return
    paragraph = document.add_paragraph()
    run = paragraph.add_run(block.marker + text)
    run.bold = block.kind in ("title", "heading")
    run.italic = block.kind == "italic"
    if block.kind == "title":
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif block.kind == "right":
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _docx_table(doc: _Doc, document, block: Table) -> None:
    table = document.add_table(rows=len(block.rows), cols=len(block.rows[0]))
    if not block.plain:
        table.style = "Table Grid"
    grid = [list(row.cells) for row in table.rows]
    for r, row in enumerate(block.rows):
        for c, value in enumerate(row):
            _docx_cell(doc, grid[r][c], _shown(value))
    for r0, c0, r1, c1 in block.merges:
        grid[r0][c0].merge(grid[r1][c1])


def _docx_cell(doc: _Doc, cell, text: str) -> None:
    if not text:
        return  # an untouched cell: merging leaves no empty line behind
    lines = [_disguised(doc.rng, line, doc.disguise) for line in text.split("\n")]
    if len(lines) > 1 and doc.chance(0.5):
        cell.text = "\n".join(lines)  # line breaks inside one paragraph
        return
    cell.paragraphs[0].text = lines[0]
    for line in lines[1:]:
        cell.add_paragraph(line)


# ---------------------------------------------------------------- text export

class _TextWriter:
    """A plan as it comes out of a PDF or a «save as text»: page furniture in the middle,
    tables as tab- or pipe-separated lines, rows cut by page breaks."""

    def __init__(self, doc: _Doc):
        self.doc, self.rng = doc, doc.rng
        self.lines: list[str] = []
        self.page = 1
        self.pipes = doc.chance(0.4)
        self.bold = doc.chance(0.2)
        self.html = doc.chance(0.15)
        self.spaced = doc.pick([True, True, False])
        self.cut = doc.pick([0.0, 0.05, 0.15])
        self.footer = doc.pick(["Kế hoạch cải tiến chất lượng – Trang {n}", "Trang {n}", "- {n} -",
                                f"{doc.school} – Kế hoạch cải tiến chất lượng năm học {doc.year}"])

    def emit(self, text: str) -> None:
        self.lines.append(_disguised(self.rng, text, self.doc.disguise))

    def page_break(self) -> None:
        self.page += 1
        self.lines += ["", self.footer.format(n=self.page), ""]

    def para(self, block: Para) -> None:
        text = block.marker + block.text
        if self.bold and block.kind in ("title", "heading"):
            text = f"**{text}**"
        cut = block.kind in ("body", "list") and self.rng.random() < self.cut
        at = self._cut_point(text) if cut else None
        if at is None:
            self.emit(text)
        else:
            self.emit(text[:at])
            self.page_break()
            self.emit(text[at + 1:])
        if self.spaced:
            self.lines.append("")
        if self.rng.random() < 0.04:
            self.page_break()

    def _cut_point(self, text: str) -> int | None:
        spaces = [i for i, ch in enumerate(text) if ch == " " and i > len(text) // 2]
        return self.rng.choice(spaces) if len(text) > 40 and spaces else None

    def table(self, block: Table) -> None:
        if block.cells_per_line:
            self._cells_per_line(block)
            return
        if block.plain:
            for row in block.rows:
                for value in row:
                    for line in _shown(value).split("\n"):
                        self.emit(line)
            return
        for r, row in enumerate(block.rows):
            if r in block.page_breaks:
                self.page_break()
            cells = [self._cell(_shown(value)) for value in row]
            if r >= block.header_rows and self.rng.random() < self.cut:
                head, tail = self._cut_row(cells)
                self._row_lines(head)
                self.page_break()
                self._row_lines(tail)
            else:
                self._row_lines(cells)
            if self.pipes and r == block.header_rows - 1 and self.rng.random() < 0.5:
                self.emit("|" + "|".join("---" for _ in row) + "|")
        self.lines.append("")

    def _cells_per_line(self, block: Table) -> None:
        """Each cell on a line of its own, an empty one as an empty line, a cell's own lines
        (owners one per line) joined by «; »."""
        for row in block.rows:
            for value in row:
                self.emit("; ".join(_shown(value).split("\n")))
        self.lines.append("")

    def _cell(self, text: str) -> list[str]:
        lines = text.split("\n") if text else []
        if self.html and len(lines) == 1 and len(lines[0]) > 50:
            return [f"<p>{lines[0]}</p>"]
        if self.html and lines and lines[0].startswith("Tiêu chuẩn"):
            return [f"<b>{lines[0]}</b>"] + lines[1:]
        return lines

    def _cut_row(self, cells: list[list[str]]) -> tuple[list[list[str]], list[list[str]]]:
        """A row split by a page break: lines after the break, or long cells cut at a space."""
        height = max((len(c) for c in cells), default=0)
        if height > 1 and self.rng.random() < 0.5:
            at = self.rng.randint(1, height - 1)
            return [c[:at] for c in cells], [c[at:] for c in cells]
        head, tail = [], []
        for lines in cells:
            at = self._cut_point(lines[-1]) if lines and not lines[-1].startswith("<") else None
            if at is None or self.rng.random() < 0.3:
                head.append(lines)
                tail.append([])
            else:
                head.append(lines[:-1] + [lines[-1][:at]])
                tail.append([lines[-1][at + 1:]])
        return head, tail

    def _row_lines(self, cells: list[list[str]]) -> None:
        for parts in zip_longest(*cells, fillvalue=""):
            if self.pipes:
                self.emit("| " + " | ".join(parts) + " |")
            else:
                self.emit("\t".join(parts))


def _write_txt(doc: _Doc, path: Path) -> None:
    writer = _TextWriter(doc)
    for block in doc.blocks:
        if isinstance(block, Para):
            writer.para(block)
        elif isinstance(block, Table):
            writer.table(block)
    path.write_text("\n".join(writer.lines) + "\n", encoding="utf-8")


# ---------------------------------------------------------------- Excel

def _write_xlsx(doc: _Doc, path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = doc.pick(["KH cai tien", "Sheet1", "Ke hoach"])
    width = max((len(b.rows[0]) for b in doc.blocks if isinstance(b, Table)), default=1)
    row = 1
    for block in doc.blocks:
        if isinstance(block, NewSheet):
            sheet, row = workbook.create_sheet(block.name), 1
        elif isinstance(block, Para):
            column = max(1, width - 1) if block.kind == "right" else 1
            if block.text:
                sheet.cell(row, column).value = _disguised(doc.rng, block.text, doc.disguise)
            row += 1
        else:
            _xlsx_table(doc, sheet, block, row)
            row += len(block.rows)
    workbook.save(path)


def _xlsx_table(doc: _Doc, sheet, block: Table, top: int) -> None:
    for r, values in enumerate(block.rows):
        for c, value in enumerate(values):
            if value in ("", None):
                continue
            if isinstance(value, str):
                value = _disguised(doc.rng, value, doc.disguise)
            sheet.cell(top + r, c + 1).value = value
    for r0, c0, r1, c1 in block.merges:
        sheet.merge_cells(start_row=top + r0, start_column=c0 + 1, end_row=top + r1, end_column=c1 + 1)


_WRITERS = {"docx": _write_docx, "txt": _write_txt, "xlsx": _write_xlsx}


# ---------------------------------------------------------------- generate

def generate(rng: random.Random, fmt: str | None = None, layout: str | None = None,
             folder: Path | None = None) -> Generated:
    """One plan document drawn from `rng` (a format and layout too, unless given), written in
    `folder` (a new temporary folder by default), and the plan it states."""
    fmt = fmt or rng.choice(FORMATS)
    layout = layout or rng.choice(LAYOUTS[fmt])
    if layout not in LAYOUTS[fmt]:
        raise ValueError(f"no {layout} layout in .{fmt}")
    doc = _Doc(rng, fmt, layout)
    _LAYOUTS[layout](doc)
    folder = Path(folder) if folder else Path(tempfile.mkdtemp(prefix="plangen-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"tai-lieu-{rng.randrange(10 ** 6):06d}.{fmt}"
    _WRITERS[fmt](doc, path)
    return Generated(path, fmt, layout, doc.expected)


# ---------------------------------------------------------------- scoring a reader's draft

def text_key(text: str | None) -> str:
    return clean(text).rstrip(" .;:,")


def phrase_key(text: str | None) -> str:
    key = text_key(text)
    return key[:1].upper() + key[1:]


def timeline_key(text: str | None) -> str | None:
    """A timeline compared: dashes alike, a leading «trong»/«vào» (in, at) left out."""
    key = re.sub(r"^(trong|vào)\s+", "", text_key(text), flags=re.IGNORECASE)
    return re.sub(r"\s*[-–—]\s*", " – ", phrase_key(key)) or None


@dataclass
class Score:
    """What a reader recovered of one document: counts for shares, and the differences."""

    counts: Counter = field(default_factory=Counter)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (kind, detail)

    def miss(self, kind: str, detail: str) -> None:
        self.problems.append((kind, detail))

    def report(self, limit: int = 25) -> str:
        lines = [f"{kind}: {detail}" for kind, detail in self.problems[:limit]]
        if len(self.problems) > limit:
            lines.append(f"… and {len(self.problems) - limit} more")
        return "\n".join(lines)


def _short(text: str, size: int = 60) -> str:
    text = clean(text)
    return text if len(text) <= size else text[:size - 1] + "…"


def score(expected: Expected, draft) -> Score:
    """Compare a reader's draft (a `PlanDraft`, or anything shaped like one) with the plan."""
    result = Score()
    _score_meta(expected, draft, result)
    got = _merged(draft)
    wanted = {c.id: c for c in expected.criteria}
    result.counts.update(criteria=len(wanted), criteria_got=len(got),
                         tasks=sum(len(c.tasks) for c in wanted.values()),
                         tasks_got=sum(len(tasks) for _, tasks in got.values()))
    for cid in got.keys() - wanted.keys():
        result.miss("criterion extra", f"{cid} ({len(got[cid][1])} tasks)")
    for cid, criterion in wanted.items():
        if cid not in got:
            result.miss("criterion missing", f"{cid} ({len(criterion.tasks)} tasks)")
            result.counts["targets"] += 1
            continue
        result.counts["criteria_found"] += 1
        _score_criterion(criterion, *got[cid], result)
    return result


def _score_meta(expected: Expected, draft, result: Score) -> None:
    pairs = {"school": (clean(expected.school).casefold(), clean(draft.school).casefold()),
             "framework": (expected.framework, draft.framework), "level": (expected.level, draft.level),
             "year": (expected.school_year, draft.school_year)}
    for name, (want, have) in pairs.items():
        result.counts["meta"] += 1
        if want == have:
            result.counts["meta_right"] += 1
            result.counts[f"{name}_right"] += 1
        else:
            result.miss(f"{name} wrong", f"expected {want!r}, got {have!r}")


def _merged(draft) -> dict[str, tuple[str | None, list]]:
    """The draft's criteria by id, a repeated one's tasks together, its first target kept."""
    merged: dict[str, tuple[str | None, list]] = {}
    for criterion in draft.criteria:
        target, tasks = merged.get(criterion.id, (None, []))
        merged[criterion.id] = (target or criterion.target, tasks + list(criterion.tasks))
    return merged


def _score_criterion(criterion: Criterion, target: str | None, tasks: list, result: Score) -> None:
    cid = criterion.id
    result.counts["targets"] += 1
    if (text_key(criterion.target) or None) == (text_key(target) or None):
        result.counts["targets_right"] += 1
    else:
        result.miss("target wrong", f"{cid}: expected {criterion.target!r}, got {target!r}")
    unclaimed = {}
    for task in tasks:
        unclaimed.setdefault(text_key(task.text), []).append(task)
    for want in criterion.tasks:
        candidates = unclaimed.get(text_key(want.text))
        if not candidates:
            result.miss("task missing", f"{cid}: «{_short(want.text)}»")
            continue
        result.counts["tasks_found"] += 1
        _score_task(cid, want, candidates.pop(0), result)
    for leftovers in unclaimed.values():
        for task in leftovers:
            result.miss("task extra", f"{cid}: «{_short(task.text)}»")


def _score_task(cid: str, want: Task, have, result: Score) -> None:
    owners = [phrase_key(o) for o in have.owners or []]
    if owners == [phrase_key(o) for o in want.owners]:
        result.counts["owners_right"] += 1
    else:
        result.miss("owners wrong",
                    f"{cid} «{_short(want.text, 40)}»: expected {want.owners}, got {have.owners}")
    if timeline_key(want.timeline) == timeline_key(have.timeline):
        result.counts["timelines_right"] += 1
    else:
        result.miss("timeline wrong",
                    f"{cid} «{_short(want.text, 40)}»: expected {want.timeline!r}, got {have.timeline!r}")


def expected_json(expected: Expected) -> str:
    return json.dumps(asdict(expected), ensure_ascii=False, indent=1)


if __name__ == "__main__":
    generated = generate(random.Random(int(sys.argv[1])), *sys.argv[2:4])
    print(generated.path, generated.layout)
    print(expected_json(generated.expected))
