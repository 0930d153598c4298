"""Demo tasks: about 40 tasks across the 6 groups of solutions of 12-CTr/QU, in the wording of a
district's task appendix (phân công nhiệm vụ), and about 15 for the Cầu Giấy ward's 2025–2030 programme, with
updates in every state of the workflow and a history of reminders. The wording is ILLUSTRATIVE
(``source_note``): the programmes' real appendices are not in the fixtures. Dates are fixed where the story
needs a past (done on time, done late) and taken from the day of loading where it needs the present (a
submission waiting, an overdue task reminded three times). Both programmes go through the same code
(``DEMO_TASK_SETS``, ``demo_tasks_load``)."""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.utils import timezone

from ..models import Program, SolutionGroup, Task, TaskReminder, TaskUpdate, Unit

User = get_user_model()
D = datetime.date
Status = TaskUpdate.Status

DEMO_TASK_SOURCE = "illustrative: demo wording, not the programme's appendix"


@dataclass(frozen=True)
class DemoTaskSet:
    """The demo tasks of one programme: the document that assigned them (number, date, summary), the tasks
    (rows as ``DEMO_TASKS``), and the year in which its yearly reports came in late (None: never)."""

    assigned_by: tuple[str, datetime.date, str]
    tasks: list[tuple]
    yearly_late_year: int | None = None


# (group, content, lead unit, supporting units, deadline, recurrence, expected output, story)
# Stories: on_time, late, corrected (late, corrected by a new update), office_date (late, date corrected by
# the office), overdue (last approved update long ago), reminded (overdue, reminded 3 times), returned
# (overdue, an update returned), open (no update yet), draft, submitted, ongoing, yearly.
DEMO_TASKS = [
    (1, "Xây dựng Đề án nâng cao chất lượng tổ chức cơ sở đảng và đảng viên giai đoạn 2022–2025", "BTCQU", ["VPQU"],
     D(2023, 6, 30), "once", "Đề án", "on_time"),
    (1, "Ban hành Kế hoạch kiểm tra, giám sát việc thực hiện Chương trình hành động", "UBKTQU", ["VPQU"],
     D(2023, 3, 31), "once", "Kế hoạch", "late"),
    (1, "Báo cáo sơ kết giữa nhiệm kỳ việc thực hiện Nghị quyết 15-NQ/TW", "VPQU", ["BTGQU", "BTCQU"],
     D(2025, 9, 30), "once", "Báo cáo sơ kết", "reminded"),
    (1, "Triển khai Kế hoạch chuyển đổi số trong các cơ quan đảng, chính quyền quận", "VPQU", ["UBND"],
     D(2026, 6, 30), "once", "Kế hoạch", "submitted"),
    (1, "Rà soát, sắp xếp tổ chức bộ máy các cơ quan chuyên môn theo hướng tinh gọn", "PNV", ["BTCQU"],
     D(2024, 12, 31), "once", "Đề án sắp xếp", "office_date"),
    (1, "Thực hiện công tác cải cách hành chính, nâng cao chỉ số hài lòng của người dân", "UBND", ["PNV"],
     None, "ongoing", "Báo cáo quý", "ongoing"),
    (1, "Báo cáo kết quả thực hiện Chương trình hành động hằng năm", "VPQU", [],
     D(2022, 12, 15), "yearly", "Báo cáo năm", "yearly"),
    (2, "Xây dựng Đề án phát triển kinh tế số và đổi mới sáng tạo trên địa bàn quận", "PKT", ["PTCKH"],
     D(2024, 6, 30), "once", "Đề án", "on_time"),
    (2, "Ban hành Kế hoạch tăng thu ngân sách bền vững, chống thất thu thuế", "CCT", ["PTCKH"],
     D(2023, 12, 31), "once", "Kế hoạch", "corrected"),
    (2, "Xây dựng Đề án phát triển các tuyến phố thương mại - dịch vụ chất lượng cao", "PKT", ["PQLDT"],
     D(2025, 6, 30), "once", "Đề án", "overdue"),
    (2, "Triển khai Kế hoạch hỗ trợ doanh nghiệp nhỏ và vừa, khởi nghiệp sáng tạo", "PKT", ["MTTQ", "QD"],
     D(2028, 12, 31), "once", "Kế hoạch", "draft"),
    (2, "Báo cáo đánh giá tình hình thu hút đầu tư trên địa bàn", "PTCKH", [],
     D(2022, 12, 20), "yearly", "Báo cáo năm", "yearly"),
    (2, "Thực hiện quản lý, khai thác hiệu quả quỹ đất công", "PTCKH", ["PTNMT"],
     None, "ongoing", "Báo cáo", "ongoing"),
    (2, "Xây dựng Kế hoạch phát triển kinh tế đêm trên địa bàn quận", "PKT", ["PVHTT", "CAQ"],
     D(2029, 6, 30), "once", "Kế hoạch", "open"),
    (3, "Xây dựng Đề án phát triển văn hóa, xây dựng người Hà Nội thanh lịch, văn minh", "PVHTT", ["BTGQU", "MTTQ"],
     D(2023, 9, 30), "once", "Đề án", "on_time"),
    (3, "Ban hành Kế hoạch nâng cao chất lượng giáo dục, xây dựng trường chuẩn quốc gia", "PGDDT", ["PTCKH"],
     D(2024, 3, 31), "once", "Kế hoạch", "late"),
    (3, "Triển khai Đề án số hóa di tích, di sản văn hóa trên địa bàn", "PVHTT", ["PGDDT"],
     D(2026, 3, 31), "once", "Đề án", "returned"),
    (3, "Xây dựng Kế hoạch nâng cao năng lực y tế cơ sở, phòng chống dịch bệnh", "PYT", ["PLDTBXH"],
     D(2027, 6, 30), "once", "Kế hoạch", "submitted"),
    (3, "Thực hiện các chính sách an sinh xã hội, chăm lo người có công", "PLDTBXH", ["MTTQ", "HLHPN"],
     None, "ongoing", "Báo cáo", "ongoing"),
    (3, "Báo cáo kết quả xây dựng gia đình văn hóa, tổ dân phố văn hóa", "PVHTT", ["MTTQ"],
     D(2022, 12, 31), "yearly", "Báo cáo năm", "yearly"),
    (3, "Xây dựng Đề án phát triển nguồn nhân lực chất lượng cao đến năm 2030", "PNV", ["PGDDT"],
     D(2030, 6, 30), "once", "Đề án", "open"),
    (4, "Rà soát, công bố công khai quy hoạch phân khu và quy hoạch chi tiết", "PQLDT", ["PTNMT"],
     D(2023, 6, 30), "once", "Báo cáo rà soát", "on_time"),
    (4, "Xử lý dứt điểm các dự án chậm triển khai, vi phạm Luật Đất đai", "PTNMT", ["PQLDT", "UBKTQU"],
     D(2025, 12, 31), "once", "Báo cáo kết quả xử lý", "reminded"),
    (4, "Ban hành Kế hoạch kiểm tra, xử lý vi phạm trật tự xây dựng đô thị", "DQLTTXD", ["PQLDT", "CAQ"],
     D(2024, 6, 30), "once", "Kế hoạch", "late"),
    (4, "Hoàn thành cấp giấy chứng nhận quyền sử dụng đất lần đầu còn tồn đọng", "PTNMT", ["P-DV", "P-MD"],
     D(2026, 9, 30), "once", "Báo cáo", "overdue"),
    (4, "Thực hiện kiểm tra, giám sát công tác quản lý đất đai, trật tự xây dựng", "DQLTTXD", ["PQLDT"],
     None, "ongoing", "Báo cáo tháng", "ongoing"),
    (4, "Xây dựng Đề án tái thiết đô thị các khu tập thể cũ", "PQLDT", ["PTCKH", "PTNMT"],
     D(2029, 12, 31), "once", "Đề án", "draft"),
    (5, "Xây dựng Đề án chỉnh trang đô thị, hạ ngầm đường dây, cáp viễn thông", "PQLDT", ["UBND"],
     D(2023, 12, 31), "once", "Đề án", "on_time"),
    (5, "Ban hành Kế hoạch phát triển hệ thống cây xanh, công viên, vườn hoa", "PQLDT", ["PTNMT"],
     D(2024, 9, 30), "once", "Kế hoạch", "office_date"),
    (5, "Triển khai Kế hoạch phân loại rác thải tại nguồn", "PTNMT", ["MTTQ", "HLHPN"],
     D(2025, 3, 31), "once", "Kế hoạch", "overdue"),
    (5, "Xây dựng Đề án đô thị thông minh quận Cầu Giấy", "UBND", ["VPQU", "PKT"],
     D(2027, 12, 31), "once", "Đề án", "submitted"),
    (5, "Báo cáo kết quả cải tạo, chỉnh trang hè phố, tuyến đường", "PQLDT", [],
     D(2022, 11, 30), "yearly", "Báo cáo năm", "yearly"),
    (5, "Thực hiện duy tu, bảo dưỡng hạ tầng kỹ thuật đô thị", "PQLDT", ["DQLTTXD"],
     None, "ongoing", "Báo cáo", "ongoing"),
    (6, "Ban hành Kế hoạch bảo đảm an ninh trật tự, xây dựng phong trào toàn dân bảo vệ an ninh Tổ quốc", "CAQ",
     ["BCHQS", "MTTQ"], D(2023, 3, 31), "once", "Kế hoạch", "on_time"),
    (6, "Xây dựng Kế hoạch tổ chức diễn tập khu vực phòng thủ quận", "BCHQS", ["CAQ", "UBND"],
     D(2024, 10, 31), "once", "Kế hoạch diễn tập", "late"),
    (6, "Báo cáo sơ kết thực hiện Quy chế dân chủ ở cơ sở", "BDVQU", ["MTTQ"],
     D(2025, 11, 30), "once", "Báo cáo sơ kết", "returned"),
    (6, "Phát huy vai trò Mặt trận Tổ quốc và các đoàn thể trong giám sát, phản biện xã hội", "MTTQ",
     ["QD", "HLHPN"], None, "ongoing", "Báo cáo", "ongoing"),
    (6, "Báo cáo kết quả công tác tiếp công dân, giải quyết khiếu nại, tố cáo", "UBND", ["CAQ"],
     D(2022, 12, 10), "yearly", "Báo cáo năm", "yearly"),
    (6, "Xây dựng Đề án nâng cao hiệu quả công tác dân vận chính quyền", "BDVQU", ["UBND"],
     D(2030, 3, 31), "once", "Đề án", "open"),
    (6, "Tổng kết 5 năm thực hiện Chương trình hành động, đề xuất nhiệm vụ giai đoạn tiếp theo", "VPQU",
     ["BTCQU", "BTGQU"], D(2026, 10, 31), "once", "Báo cáo tổng kết", "submitted"),
]  # fmt: skip

# The Cầu Giấy ward's programme (01-CTr/ĐU, 2025–2030): the ward's units (-PCG), deadlines from the end of
# 2025, when the two-tier local government had just started; its first yearly reports came in late.
DEMO_WARD_TASKS = [
    (1, "Ban hành Quy chế làm việc của Ban Chấp hành Đảng bộ phường nhiệm kỳ 2025–2030", "VPDU-PCG", ["BTV-PCG"],
     D(2025, 12, 31), "once", "Quy chế", "on_time"),
    (1, "Xây dựng Chương trình kiểm tra, giám sát của Ban Chấp hành Đảng bộ phường năm 2026", "UBKT-PCG",
     ["VPDU-PCG"], D(2026, 1, 31), "once", "Chương trình kiểm tra, giám sát", "late"),
    (1, "Kiện toàn tổ chức bộ máy, vị trí việc làm của các cơ quan phường theo mô hình chính quyền địa phương "
     "hai cấp", "BXDD-PCG", ["UBND-PCG", "VP-PCG"], D(2026, 6, 30), "once", "Đề án vị trí việc làm", "reminded"),
    (1, "Báo cáo kết quả thực hiện Chương trình hành động hằng năm", "VPDU-PCG", ["VP-PCG"],
     D(2025, 12, 15), "yearly", "Báo cáo năm", "yearly"),
    (2, "Xây dựng Kế hoạch phát triển kinh tế tư nhân, hỗ trợ hộ kinh doanh chuyển đổi lên doanh nghiệp",
     "PKT-PCG", ["MTTQ-PCG"], D(2026, 3, 31), "once", "Kế hoạch", "on_time"),
    (2, "Ban hành Kế hoạch thu ngân sách nhà nước năm 2026, chống thất thu thuế đối với hộ kinh doanh", "UBND-PCG",
     ["PKT-PCG", "VP-PCG"], D(2026, 2, 28), "once", "Kế hoạch", "corrected"),
    (2, "Xây dựng Đề án phát triển các tuyến phố thương mại, dịch vụ văn minh trên địa bàn phường", "PKT-PCG",
     ["TDP-PCG"], D(2026, 9, 30), "once", "Đề án", "overdue"),
    (3, "Ban hành Kế hoạch thực hiện Nghị quyết 57-NQ/TW về đột phá phát triển khoa học, công nghệ, đổi mới sáng "
     "tạo và chuyển đổi số trên địa bàn phường", "VPDU-PCG", ["UBND-PCG"], D(2025, 12, 31), "once", "Kế hoạch",
     "office_date"),
    (3, "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính tại Trung tâm Phục vụ hành chính công phường",
     "TTHCC-PCG", ["VP-PCG", "CAP-PCG"], D(2027, 6, 30), "once", "Báo cáo kết quả số hóa", "submitted"),
    (3, "Xây dựng mô hình “Tổ dân phố số”, hướng dẫn người dân sử dụng dịch vụ công trực tuyến và ứng dụng VNeID",
     "DTN-PCG", ["TDP-PCG", "CAP-PCG"], D(2027, 12, 31), "once", "Mô hình điểm", "draft"),
    (4, "Báo cáo kết quả xây dựng gia đình văn hóa, tổ dân phố văn hóa", "PVHXH-PCG", ["MTTQ-PCG", "TDP-PCG"],
     D(2025, 11, 30), "yearly", "Báo cáo năm", "yearly"),
    (4, "Thực hiện các chính sách an sinh xã hội, chăm lo người có công, hộ nghèo, hộ cận nghèo", "PVHXH-PCG",
     ["MTTQ-PCG", "HLHPN-PCG"], None, "ongoing", "Báo cáo 6 tháng", "ongoing"),
    (5, "Ban hành Kế hoạch kiểm tra, xử lý vi phạm trật tự xây dựng, lấn chiếm vỉa hè, lòng đường", "PKT-PCG",
     ["CAP-PCG", "TDP-PCG"], D(2026, 3, 31), "once", "Kế hoạch", "returned"),
    (5, "Triển khai phân loại chất thải rắn sinh hoạt tại nguồn ở các tổ dân phố", "PKT-PCG",
     ["TDP-PCG", "HLHPN-PCG"], D(2026, 12, 31), "once", "Báo cáo kết quả", "submitted"),
    (6, "Xây dựng Kế hoạch bảo đảm an ninh trật tự, phòng cháy chữa cháy tại các khu dân cư", "CAP-PCG",
     ["BCHQS-PCG", "TDP-PCG"], D(2026, 4, 30), "once", "Kế hoạch", "on_time"),
    (6, "Xây dựng Đề án nâng cao chất lượng hoạt động của lực lượng tham gia bảo vệ an ninh, trật tự ở cơ sở",
     "CAP-PCG", ["MTTQ-PCG", "DTN-PCG"], D(2029, 12, 31), "once", "Đề án", "open"),
]  # fmt: skip

# The programmes the demo fills with tasks, by slug.
DEMO_TASK_SETS = {
    "12-ctr-qu": DemoTaskSet(
        assigned_by=(
            "12-CTr/QU",
            D(2022, 10, 20),
            "Chương trình hành động của Ban Chấp hành Đảng bộ quận (phụ lục phân công)",
        ),
        tasks=DEMO_TASKS,
        yearly_late_year=2024,
    ),
    "01-ctr-du-phuong-cau-giay": DemoTaskSet(
        assigned_by=(
            "01-CTr/ĐU",
            D(2025, 9, 13),
            "Chương trình hành động thực hiện Nghị quyết Đại hội Đảng bộ phường lần thứ I (phụ lục phân công)",
        ),
        tasks=DEMO_WARD_TASKS,
        yearly_late_year=2025,
    ),
}


def _days(date: datetime.date, days: int) -> datetime.date:
    return date + datetime.timedelta(days=days)


class _Writer:
    """Writes a task's updates and reminders with their history signed by their authors."""

    def __init__(self, *, office, staff, today):
        self.office, self.staff, self.today, self.updates, self.reminders = office, staff, today, 0, 0
        self.now = timezone.now()

    def author(self, unit: Unit):
        return self.staff.get(f"staff-{unit.code.lower()}", self.office)

    def update(self, task, *, date, content, status, unit=None, progress=None, done_on=None, comment="", **extra):
        unit = unit or task.lead_unit
        date = min(date, self.today)
        reviewed = status in (Status.APPROVED, Status.RETURNED, Status.SUPERSEDED)
        update = TaskUpdate(
            task=task,
            unit=unit,
            date=date,
            content=content,
            progress=100 if done_on else progress,
            is_done=done_on is not None,
            completed_on=min(done_on, self.today) if done_on else None,
            status=status,
            author=self.author(unit),
            reviewer=self.office if reviewed else None,
            review_comment=comment,
            submitted_at=None if status == Status.DRAFT else self.now,
            reviewed_at=self.now if reviewed else None,
            **extra,
        )
        update._history_user = update.author
        update._change_reason = "create"
        update.full_clean()
        update.save()
        self.updates += 1
        return update

    def remind(self, task, *, times: int, last: datetime.date):
        for i in range(times):
            reminder = TaskReminder.objects.create(
                task=task, unit=task.lead_unit, sent_by=self.office, note="Đề nghị khẩn trương hoàn thành, báo cáo."
            )
            reminder.recipients.set(task.lead_unit.members.exclude(email=""))
            sent = datetime.datetime.combine(_days(last, -14 * (times - 1 - i)), datetime.time(9, 0), datetime.UTC)
            TaskReminder.objects.filter(pk=reminder.pk).update(sent_at=sent)
            self.reminders += 1


def _story(w: _Writer, task: Task, story: str, *, yearly_late_year: int | None) -> None:
    today, deadline = w.today, task.deadline
    if story == "on_time":
        w.update(
            task,
            date=_days(deadline, -90),
            content="Đã xây dựng dự thảo, lấy ý kiến các đơn vị.",
            status=Status.APPROVED,
            progress=60,
        )
        w.update(
            task,
            date=_days(deadline, -10),
            content="Đã ban hành, gửi các đơn vị triển khai.",
            status=Status.APPROVED,
            done_on=_days(deadline, -15),
        )
    elif story == "late":
        w.update(
            task,
            date=_days(deadline, 50),
            content="Đã hoàn thành sau thời hạn do phải xin ý kiến cấp trên.",
            status=Status.APPROVED,
            done_on=_days(deadline, 45),
        )
    elif story == "corrected":
        first = w.update(
            task,
            date=_days(deadline, 20),
            content="Đã ban hành Kế hoạch.",
            status=Status.SUPERSEDED,
            done_on=_days(deadline, 20),
        )
        w.update(
            task,
            date=_days(deadline, 30),
            content="Đính chính ngày ban hành theo văn bản đã ký.",
            status=Status.APPROVED,
            done_on=_days(deadline, 12),
            supersedes=first,
        )
    elif story == "office_date":
        w.update(
            task,
            date=_days(deadline, 40),
            content="Đã hoàn thành, trình Thường trực phê duyệt.",
            status=Status.APPROVED,
            done_on=_days(deadline, 25),
            completed_on_reported=_days(deadline, 10),
            completion_comment="Văn phòng điều chỉnh theo ngày ký văn bản phê duyệt.",
        )
    elif story in ("overdue", "reminded", "returned"):
        w.update(
            task,
            date=min(_days(deadline, -60), _days(today, -120)),
            content="Đang khảo sát, tổng hợp số liệu.",
            status=Status.APPROVED,
            progress=30,
        )
        if story == "reminded":
            w.remind(task, times=3, last=_days(today, -3))
            w.update(
                task,
                date=_days(today, -2),
                content="Đang hoàn thiện dự thảo, dự kiến trình trong tháng.",
                status=Status.SUBMITTED,
                progress=70,
            )
        elif story == "returned":
            w.update(
                task,
                date=_days(today, -10),
                content="Đã hoàn thành.",
                status=Status.RETURNED,
                done_on=_days(today, -12),
                comment="Đề nghị bổ sung văn bản ban hành và danh sách đơn vị triển khai.",
            )
    elif story == "draft":
        w.update(
            task, date=_days(today, -1), content="Đang xây dựng đề cương chi tiết.", status=Status.DRAFT, progress=10
        )
    elif story == "submitted":
        w.update(
            task,
            date=_days(today, -5),
            content="Đã xây dựng dự thảo lần 1, gửi xin ý kiến.",
            status=Status.SUBMITTED,
            progress=50,
        )
    elif story == "ongoing":
        # Every half year from the first one after the task was assigned (none before it existed).
        for year in range(task.assigned_by_date.year, today.year + 1):
            if D(year, 6, 30) < task.assigned_by_date:
                continue
            w.update(
                task, date=D(year, 6, 30), content=f"Kết quả thực hiện 6 tháng đầu năm {year}.", status=Status.APPROVED
            )
    elif story == "yearly":
        for year in range(deadline.year, today.year + 1):
            due = deadline.replace(year=year)
            if year == yearly_late_year:
                done_on = min(_days(due, 10), D(year, 12, 31))  # late that year (a year is judged on its own)
            elif due <= today:
                done_on = _days(due, -5)
            else:
                continue  # this year's is not due yet
            if done_on <= today:
                w.update(
                    task, date=done_on, content=f"Đã gửi báo cáo năm {year}.", status=Status.APPROVED, done_on=done_on
                )


def demo_tasks_load(*, program: Program, today: datetime.date | None = None) -> dict[str, int]:
    """The demo tasks of ``program`` (those of ``DEMO_TASK_SETS``) with their updates and reminders; nothing
    for another programme or when the programme has tasks already. Written straight to the database with
    ``full_clean()``, as the demo's figures are (the services would mail every step). Updates are signed by
    the staff of the reporting unit (``staff-<unit code>``), reviews and reminders by the programme's office."""
    demo = DEMO_TASK_SETS.get(program.slug)
    if demo is None or program.tasks.exists():
        return {"tasks": 0, "updates": 0, "reminders": 0}
    today = today or timezone.localdate()
    groups = {g.number: g for g in SolutionGroup.objects.filter(program=program)}
    units = {u.code: u for u in Unit.objects.filter(organisation_id=program.organisation_id)}
    office = User.objects.filter(memberships__organisation_id=program.organisation_id, memberships__role="office")
    office = office.order_by("pk").first() or User.objects.filter(is_superuser=True).order_by("pk").first()
    staff = {u.username: u for u in User.objects.filter(username__startswith="staff-")}
    writer = _Writer(office=office, staff=staff, today=today)
    (number, assigned_on, summary), counter = demo.assigned_by, {}
    for order, (group, name, lead, supporting, deadline, recurrence, output, story) in enumerate(demo.tasks, 1):
        counter[group] = counter.get(group, 0) + 1
        task = Task(
            program=program,
            solution_group=groups[group],
            code=f"NV-{group}.{counter[group]:02}",
            name=name,
            lead_unit=units[lead],
            deadline=deadline,
            recurrence=recurrence,
            expected_output=output,
            assigned_by_number=number,
            assigned_by_date=assigned_on,
            assigned_by_summary=summary,
            source_note=DEMO_TASK_SOURCE,
            order=order,
        )
        task.full_clean()
        task.save()
        task.supporting_units.set([units[code] for code in supporting])
        _story(writer, task, story, yearly_late_year=demo.yearly_late_year)
    return {"tasks": len(demo.tasks), "updates": writer.updates, "reminders": writer.reminders}
