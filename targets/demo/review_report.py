"""The demo's yearly review report: the office's draft of last year's report (illustrative wording, not a
real document), so that the report page, its preview and the Word document have something true to show.
It is left unnumbered and undated, as a draft is until it is signed."""

from django.contrib.auth import get_user_model
from django.utils import timezone

from .. import selectors, services
from ..models import Program, ReviewReport

ILLUSTRATIVE = "(Nội dung minh họa của bản trình diễn.)"


def demo_review_report_load(*, program: Program, office_username: str) -> int:
    """Write the draft report of the last ended year of ``program`` through the service (as its office),
    unless one exists or the year is outside the programme or closed. Returns how many were written."""
    year = timezone.localdate().year - 1
    office = get_user_model().objects.filter(username=office_username).first()
    if office is None or not program.contains_year(year) or ReviewReport.objects.filter(program=program, year=year):
        return 0
    if selectors.year_is_closed(program=program, year=year):
        return 0
    body = selectors.body_in_sentence(program)
    data = {
        "signer_title": "PHÓ BÍ THƯ THƯỜNG TRỰC",
        "recipients": "Thường trực Thành ủy Hà Nội (để báo cáo)\nCác đồng chí Ủy viên Ban Chấp hành\n"
        "Các chi bộ, đảng bộ trực thuộc",
        "leadership": (
            f"Ngay từ đầu năm, Ban Thường vụ {body} đã ban hành kế hoạch thực hiện Chương trình năm {year}, "
            "phân công cụ thể chỉ tiêu, nhiệm vụ cho từng cơ quan, đơn vị; định kỳ hằng quý nghe báo cáo tiến độ, "
            f"kịp thời chỉ đạo tháo gỡ khó khăn, vướng mắc. {ILLUSTRATIVE}\n"
            "Công tác kiểm tra, giám sát việc thực hiện các chỉ tiêu được tăng cường; các đơn vị chậm tiến độ "
            "được đôn đốc bằng văn bản."
        ),
        "strengths": (
            "Phần lớn chỉ tiêu đạt và vượt kế hoạch năm; công tác xây dựng Đảng, an ninh trật tự tiếp tục được "
            f"giữ vững. Việc cập nhật số liệu trên hệ thống được thực hiện thường xuyên hơn. {ILLUSTRATIVE}"
        ),
        "limitations": (
            "Một số chỉ tiêu về kinh tế, đô thị chưa đạt kế hoạch; một số nhiệm vụ còn chậm so với thời hạn; "
            f"việc gửi số liệu của một số đơn vị chưa đúng hạn. {ILLUSTRATIVE}"
        ),
        "causes": (
            "Nguyên nhân khách quan: tình hình kinh tế còn nhiều khó khăn, việc sắp xếp tổ chức bộ máy ảnh hưởng "
            "đến tiến độ một số nhiệm vụ. Nguyên nhân chủ quan: một số cơ quan, đơn vị chưa quyết liệt trong chỉ "
            f"đạo, phối hợp chưa chặt chẽ. {ILLUSTRATIVE}"
        ),
        "directions": (
            f"Tập trung chỉ đạo thực hiện các chỉ tiêu chưa đạt năm {year}; rà soát, đôn đốc các nhiệm vụ quá "
            "hạn; nâng cao chất lượng báo cáo định kỳ; gắn kết quả thực hiện Chương trình với đánh giá, xếp loại "
            f"tổ chức đảng và đảng viên cuối năm. {ILLUSTRATIVE}"
        ),
        "proposals": (
            "Đề nghị Thành ủy, các sở, ngành thành phố quan tâm hướng dẫn, hỗ trợ nguồn lực thực hiện các "
            f"nhiệm vụ về chuyển đổi số và chỉnh trang đô thị. {ILLUSTRATIVE}"
        ),
    }
    services.review_report_save(program=program, year=year, user=office, data=data)
    return 1
