"""Demo tasks of 12-CTr/QU (issue 14.7): about 40 tasks across its 6 groups of solutions, in the wording of
a district's task appendix (phân công nhiệm vụ), with updates in every state of the workflow and a history
of reminders. The wording is ILLUSTRATIVE (``source_note``): the programme's real appendix is not in the
fixtures. Dates are fixed where the story needs a past (done on time, done late) and taken from the day
of loading where it needs the present (a submission waiting, an overdue task reminded three times)."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from ..models import Program, SolutionGroup, Task, TaskReminder, TaskUpdate, Unit

User = get_user_model()
D = datetime.date
Status = TaskUpdate.Status

DEMO_TASK_PROGRAMME = "12-ctr-qu"
DEMO_TASK_SOURCE = "illustrative: demo wording, not the programme's appendix"
ASSIGNED_BY = (
    "12-CTr/QU",
    D(2022, 10, 20),
    "Chương trình hành động của Ban Chấp hành Đảng bộ quận (phụ lục phân công)",
)

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


def _story(w: _Writer, task: Task, story: str) -> None:
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
        for year in range(2023, today.year + 1):
            w.update(
                task, date=D(year, 6, 30), content=f"Kết quả thực hiện 6 tháng đầu năm {year}.", status=Status.APPROVED
            )
    elif story == "yearly":
        for year in range(deadline.year, today.year + 1):
            due = deadline.replace(year=year)
            if year == 2024:
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
    """The demo tasks of ``program`` (12-CTr/QU only) with their updates and reminders; nothing when the
    programme has tasks already. Written straight to the database with ``full_clean()``, as the demo's
    figures are (the services would mail every step)."""
    if program.slug != DEMO_TASK_PROGRAMME or program.tasks.exists():
        return {"tasks": 0, "updates": 0, "reminders": 0}
    today = today or timezone.localdate()
    groups = {g.number: g for g in SolutionGroup.objects.filter(program=program)}
    units = {u.code: u for u in Unit.objects.filter(organisation_id=program.organisation_id)}
    office = User.objects.filter(memberships__organisation_id=program.organisation_id, memberships__role="office")
    office = office.order_by("pk").first() or User.objects.filter(is_superuser=True).order_by("pk").first()
    staff = {u.username: u for u in User.objects.filter(username__startswith="staff-")}
    writer = _Writer(office=office, staff=staff, today=today)
    number, counter = ASSIGNED_BY[0], {}
    for order, (group, name, lead, supporting, deadline, recurrence, output, story) in enumerate(DEMO_TASKS, 1):
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
            assigned_by_date=ASSIGNED_BY[1],
            assigned_by_summary=ASSIGNED_BY[2],
            source_note=DEMO_TASK_SOURCE,
            order=order,
        )
        task.full_clean()
        task.save()
        task.supporting_units.set([units[code] for code in supporting])
        _story(writer, task, story)
    return {"tasks": len(DEMO_TASKS), "updates": writer.updates, "reminders": writer.reminders}
