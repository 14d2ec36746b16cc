"""The demo district: what ``tracker run`` loads into an empty database on its first start.

Everything goes through the services (never raw inserts), inside one transaction: the demo is
loaded whole or not at all. It holds the Sosnovsky district's education department, fifteen
institutions in three groups, one user per role, the meeting of 05.02.2020 from
``shared/seeds/004`` entered exactly, and its nine decisions assigned to every school, with due
dates counted from ``today`` so that some are overdue, some fall due this week and some later.

Report and acceptance times come from the real clock (the services read it), so with a
``today`` other than the real one the on-time/late split of accepted reports may differ.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from tracker import clock, db
from tracker.accounts import services as accounts
from tracker.accounts.roles import Actor, Role
from tracker.accounts.tables import User
from tracker.assignments import services as assignments
from tracker.assignments.files import Upload
from tracker.calendar.deadlines import DeadlineRule
from tracker.calendar.workdays import WEEKENDS_ONLY, add_working_days
from tracker.errors import ConflictError
from tracker.meetings import services as meetings
from tracker.schools import services as schools

DEPARTMENT = "Отдел образования администрации Сосновского района"
DEMO_PASSWORD = "sosnovka-2020"  # noqa: S105 - printed at start-up on purpose
"""One password for every demo account; it passes ``password_problem``."""
SCHOOL_MAIL_DOMAIN = "sosnovka-edu.example.ru"
USER_MAIL_DOMAIN = "demo.example.ru"

SOSH, DOU, DO = 0, 1, 2
GROUPS = (
    "Общеобразовательные организации (СОШ)",
    "Дошкольные образовательные организации (ДОУ)",
    "Организации дополнительного образования (ДО)",
)

_MBOU = "Муниципальное бюджетное общеобразовательное учреждение"
_MBDOU = "Муниципальное бюджетное дошкольное образовательное учреждение"
_MBUDO = "Муниципальное бюджетное учреждение дополнительного образования"


@dataclass(frozen=True)
class DemoSchool:
    name: str
    short_name: str
    group: int
    director: str
    position: str = "Директор"


SCHOOLS = (
    DemoSchool(
        f"{_MBOU} «Средняя общеобразовательная школа № 1 с. Долгодеревенское»",
        "МБОУ СОШ № 1 с. Долгодеревенское",
        SOSH,
        "Григорьева Елена Николаевна",
    ),
    DemoSchool(
        f"{_MBOU} «Кременкульская средняя общеобразовательная школа»",
        "МБОУ Кременкульская СОШ",
        SOSH,
        "Лаптев Сергей Александрович",
    ),
    DemoSchool(
        f"{_MBOU} «Полетаевская средняя общеобразовательная школа»",
        "МБОУ Полетаевская СОШ",
        SOSH,
        "Шарипова Гульнара Рашидовна",
    ),
    DemoSchool(
        f"{_MBOU} «Есаульская средняя общеобразовательная школа»",
        "МБОУ Есаульская СОШ",
        SOSH,
        "Воробьёва Ольга Ивановна",
    ),
    DemoSchool(
        f"{_MBOU} «Рощинская средняя общеобразовательная школа»",
        "МБОУ Рощинская СОШ",
        SOSH,
        "Мельников Павел Геннадьевич",
    ),
    DemoSchool(
        f"{_MBOU} «Томинская средняя общеобразовательная школа»",
        "МБОУ Томинская СОШ",
        SOSH,
        "Зайцева Татьяна Викторовна",
    ),
    DemoSchool(
        f"{_MBOU} «Вознесенская средняя общеобразовательная школа»",
        "МБОУ Вознесенская СОШ",
        SOSH,
        "Ахметов Ринат Маратович",
    ),
    DemoSchool(
        f"{_MBOU} «Теченская основная общеобразовательная школа»",
        "МБОУ Теченская ООШ",
        SOSH,
        "Кудрявцева Людмила Петровна",
    ),
    DemoSchool(
        f"{_MBDOU} «Детский сад № 4 «Солнышко» с. Долгодеревенское»",
        "МБДОУ «Детский сад № 4 «Солнышко»»",
        DOU,
        "Белова Ирина Анатольевна",
        "Заведующий",
    ),
    DemoSchool(
        f"{_MBDOU} «Детский сад № 7 «Ромашка» п. Полетаево»",
        "МБДОУ «Детский сад № 7 «Ромашка»»",
        DOU,
        "Сафронова Надежда Юрьевна",
        "Заведующий",
    ),
    DemoSchool(
        f"{_MBDOU} «Детский сад № 12 «Теремок» п. Рощино»",
        "МБДОУ «Детский сад № 12 «Теремок»»",
        DOU,
        "Орлова Светлана Михайловна",
        "Заведующий",
    ),
    DemoSchool(
        f"{_MBDOU} «Детский сад «Берёзка» п. Есаульский»",
        "МБДОУ «Детский сад «Берёзка»»",
        DOU,
        "Титова Анна Владимировна",
        "Заведующий",
    ),
    DemoSchool(
        f"{_MBUDO} «Центр дополнительного образования» Сосновского муниципального района",
        "МБУ ДО «ЦДО»",
        DO,
        "Никитин Алексей Борисович",
    ),
    DemoSchool(
        f"{_MBUDO} «Детско-юношеская спортивная школа» Сосновского муниципального района",
        "МБУ ДО «ДЮСШ»",
        DO,
        "Коваленко Дмитрий Олегович",
    ),
    DemoSchool(
        f"{_MBUDO} «Станция юных натуралистов» Сосновского муниципального района",
        "МБУ ДО «СЮН»",
        DO,
        "Ермакова Валентина Степановна",
    ),
)


@dataclass(frozen=True)
class DemoUser:
    role: Role
    email: str
    full_name: str
    position: str


STAFF = (
    DemoUser(
        Role.HEAD,
        f"head@{USER_MAIL_DOMAIN}",
        "Нефёдова Марина Викторовна",
        "Начальник отдела образования администрации Сосновского района",
    ),
    DemoUser(
        Role.SECRETARY,
        f"secretary@{USER_MAIL_DOMAIN}",
        "Дудяк Наталья Владимировна",
        "Ведущий специалист отдела образования, секретарь совещаний",
    ),
    DemoUser(
        Role.ADMIN,
        f"admin@{USER_MAIL_DOMAIN}",
        "Кузнецов Андрей Сергеевич",
        "Системный администратор отдела образования",
    ),
)

# --- the meeting of shared/seeds/004, entered exactly -----------------------------------------

MEETING_TITLE = "Совещание руководителей муниципальных образовательных учреждений"
MEETING_DATE = date(2020, 2, 5)
MEETING_PLACE = "актовый зал администрации района"
AGENDA_TITLE = (
    "Итоги мониторинга организации работы по выявлению и поддержке одарённых детей "
    "в Сосновском районе за 2019-2020 учебный год"
)
SPEAKER = "Рыбина Л.Д."
ADDRESSEE = "Руководителям образовательных учреждений"
DECISIONS = (
    "Довести результаты мониторинга до сведения педагогического коллектива образовательной "
    "организации.",
    "Обеспечить условия для проведения инновационной и проектной деятельности в сфере работы "
    "с одарёнными детьми.",
    "Осуществлять контроль за реализацией дополнительных общеобразовательных "
    "общеразвивающих программ для детей с повышенным уровнем способностей и их "
    "результативностью.",
    "Принять меры к максимальному охвату детей научной, исследовательской и проектной "
    "деятельностью.",
    "Обеспечить участие педагогических работников в мероприятиях по проблемам детской "
    "одарённости (семинары, конференции).",
    "Организовать адресную работу с детьми, занесёнными в муниципальные банки одарённых "
    "детей, разработать индивидуальные планы по их постконкурсному сопровождению.",
    "Обеспечить информирование родителей и обучающихся об имеющихся в регионе, Российской "
    "Федерации ресурсах, обеспечивающих развитие одарённых детей и условиях их использования.",
    "Обеспечить активное участие высокомотивированных и одарённых детей в конкурсах и "
    "олимпиадах всех уровней, а также в программах Образовательного центра «Сириус».",
    "Продолжить работу по сетевому взаимодействию с организациями высшего образования, "
    "детским технопарком, центром развития современных компетенций в формате реализации "
    "образовательных программ, повышения квалификации педагогов.",
)

# --- what each school has done: one letter per school, in the order of SCHOOLS ----------------
#   a  assigned, untouched              p  in progress
#   r  reported, waiting for the head    w  reported, returned for rework with a comment
#   d  returned, then reported again     k  reported and accepted («снято с контроля»)
#   e  in progress, extension requested and pending
#   x  extension approved, in progress   y  extension approved, then reported and accepted
#   n  extension rejected, in progress
# A due date is a number of working days from ``today``: negative is past (open ones are
# overdue, accepted ones late), positive is ahead (accepted ones on time).

PLAN: tuple[tuple[int, str], ...] = (
    (-22, "kkkkkkkakkkrkkw"),
    (-10, "kkrkdkpkkykkxkn"),
    (-4, "wrkrkepkrkakrkp"),
    (-1, "erkrpkarkpkrapr"),
    (1, "pkrkpakpkrkpakr"),
    (3, "rkpapakpapkapak"),
    (10, "kpaapaaapaparaa"),
    (22, "apaaaaaaaaaaaaa"),
    (44, "aaaaaaaaaaaaaaa"),
)

REPORTS = (
    (
        "Результаты мониторинга доведены до сведения педагогического коллектива на заседании "
        "педагогического совета (протокол № 5).",
        "Результаты мониторинга рассмотрены на совещании при руководителе, материалы размещены "
        "в методическом кабинете.",
    ),
    (
        "Утверждён план проектной деятельности на учебный год, оборудован кабинет для "
        "проектной и исследовательской работы.",
        "Создано научное общество обучающихся, назначен ответственный за работу "
        "с одарёнными детьми.",
    ),
    (
        "Проведён внутренний контроль реализации программ «Юный исследователь» и "
        "«Робототехника», справка по итогам контроля подготовлена.",
        "Результативность дополнительных общеразвивающих программ рассмотрена на методическом "
        "совете, программы скорректированы.",
    ),
    (
        "Охват детей научной, исследовательской и проектной деятельностью составил 78 % "
        "(в прошлом учебном году — 64 %).",
        "Проведена научно-практическая конференция «Первые шаги в науку», участвовали "
        "112 обучающихся.",
    ),
    (
        "Педагоги приняли участие в региональном семинаре по проблемам детской одарённости "
        "(5 человек) и в муниципальной конференции (3 человека).",
        "Два педагога выступили с докладами на муниципальной конференции «Одарённые дети: "
        "выявление и сопровождение».",
    ),
    (
        "Разработаны индивидуальные планы постконкурсного сопровождения для 7 обучающихся, "
        "занесённых в муниципальный банк одарённых детей.",
        "За каждым ребёнком из муниципального банка одарённых детей закреплён наставник, "
        "индивидуальные планы утверждены.",
    ),
    (
        "Информация о региональных и федеральных ресурсах для одарённых детей размещена "
        "на сайте и в родительских чатах, проведены родительские собрания.",
        "Оформлен информационный стенд «Одарённые дети», проведены классные часы для обучающихся.",
    ),
    (
        "Обучающиеся участвуют в школьном и муниципальном этапах всероссийской олимпиады "
        "школьников; двое зарегистрированы на программы Образовательного центра «Сириус».",
        "Составлен график участия обучающихся в конкурсах и олимпиадах, назначены "
        "ответственные педагоги.",
    ),
    (
        "Заключён договор о сетевом взаимодействии с Челябинским государственным "
        "университетом, два педагога прошли курсы повышения квалификации.",
        "Организованы занятия обучающихся в детском технопарке «Кванториум».",
    ),
)
LINK_PAGES = ("news/odarennye-deti", "svedeniya/dokumenty/monitoring", "roditelyam/resursy")
RETURN_COMMENTS = (
    "Не приложен протокол педагогического совета. Дополните отчёт.",
    "Укажите конкретные мероприятия и число участников.",
    "Нет сведений о результатах: укажите количество и долю охваченных обучающихся.",
)
REWORK_REPORT = "Отчёт дополнен: приложены протокол и перечень мероприятий с числом участников."
EXTENSION_REASONS = (
    "Ответственный заместитель руководителя на больничном, просим продлить срок.",
    "Муниципальная конференция перенесена, просим перенести срок исполнения.",
)
EXTENSION_APPROVED = "Срок продлён. Прошу не допускать повторного переноса."
EXTENSION_REJECTED = "Срок не продлевается: исполнение было возможно в установленный срок."
ACCEPT_COMMENT = "Снято с контроля."
FILE_NAME = "Справка по итогам мониторинга.txt"
FILE_TEXT = (
    "Справка\n\nРезультаты мониторинга организации работы по выявлению и поддержке одарённых "
    "детей доведены до сведения педагогического коллектива на педагогическом совете.\n"
)


class DemoAlreadyLoadedError(ConflictError):
    """The database is not empty: the demo goes only into a fresh one."""


@dataclass(frozen=True)
class DemoSummary:
    logins: list[tuple[str, str, str]]
    """(role in Russian, e-mail, password) to print: one per role, one school user."""
    department: str
    login_school: str
    """The short name of the school whose user is among ``logins``."""
    groups: int
    schools: int
    users: int
    meeting_id: int
    decisions: int
    assignments: int
    reports: int
    extension_requests: int


def _working_day(today: date, offset: int) -> date:
    """The ``offset``-th working day after ``today`` (before it when negative)."""
    if offset >= 0:
        return add_working_days(today, offset)
    day, remaining = today, -offset
    while remaining:
        day -= timedelta(days=1)
        if WEEKENDS_ONLY.is_working_day(day):
            remaining -= 1
    return day


async def _actor(user_id: int) -> Actor:
    actor = await accounts.actor_for_user(user_id)
    assert actor is not None  # created a moment ago, active
    return actor


@dataclass
class _Loader:
    today: date
    head: Actor
    schools: list[Actor]
    reports: int = 0
    extensions: int = 0

    async def play(
        self, code: str, assignment_id: int, due_on: date | None, school: int, decision: int
    ) -> None:
        """Bring one assignment to the state ``code`` names (see PLAN) through the services."""
        actor = self.schools[school]
        if code in "kpenx":
            await assignments.start(actor, assignment_id)
        if code in "enxy":
            await self._extension(actor, assignment_id, due_on, school, code)
        if code in "rwdky":
            await self._report(actor, assignment_id, school, decision)
        if code in "wd":
            await assignments.return_for_rework(
                self.head,
                assignment_id,
                comment=RETURN_COMMENTS[(school + decision) % len(RETURN_COMMENTS)],
                today=self.today,
            )
        if code == "d":
            await assignments.submit_report(actor, assignment_id, text=REWORK_REPORT)
            self.reports += 1
        if code in "ky":
            await assignments.accept(
                self.head, assignment_id, comment=ACCEPT_COMMENT, today=self.today
            )

    async def _report(self, actor: Actor, assignment_id: int, school: int, decision: int) -> None:
        links: list[str] = []
        if (school + decision) % 3 == 0:
            page = LINK_PAGES[decision % len(LINK_PAGES)]
            links.append(f"https://school{school + 1}.{SCHOOL_MAIL_DOMAIN}/{page}")
        uploads: list[Upload] = []
        if school == 0 and decision == 0:
            uploads.append(Upload(FILE_NAME, "text/plain; charset=utf-8", FILE_TEXT.encode()))
        variants = REPORTS[decision]
        await assignments.submit_report(
            actor,
            assignment_id,
            text=variants[school % len(variants)],
            links=links,
            uploads=uploads,
        )
        self.reports += 1

    async def _extension(
        self, actor: Actor, assignment_id: int, due_on: date | None, school: int, code: str
    ) -> None:
        """Ask for ten more working days; the head approves (x, y), rejects (n) or not yet (e)."""
        current = due_on or self.today
        request_id = await assignments.request_extension(
            actor,
            assignment_id,
            due_on=_working_day(max(current, self.today), 10),
            reason=EXTENSION_REASONS[school % len(EXTENSION_REASONS)],
            today=self.today,
        )
        self.extensions += 1
        if code == "e":
            return
        approve = code != "n"
        await assignments.decide_extension(
            self.head,
            request_id,
            approve=approve,
            comment=EXTENSION_APPROVED if approve else EXTENSION_REJECTED,
        )


async def load_demo(*, today: date | None = None) -> DemoSummary:
    """Load the demo district into an empty database (no users yet), all or nothing.

    Raises ``DemoAlreadyLoadedError`` when the database already has users."""
    today = today or clock.today()
    async with db.transaction():
        if await User.count() > 0:
            raise DemoAlreadyLoadedError(
                "В базе уже есть пользователи: демонстрационные данные загружаются только "
                "в пустую базу при первом запуске."
            )
        return await _load(today)


async def _load(today: date) -> DemoSummary:
    group_ids = [
        await schools.create_group(None, name=name, position=position)
        for position, name in enumerate(GROUPS)
    ]
    school_ids = [
        await schools.create_school(
            None,
            name=school.name,
            short_name=school.short_name,
            email=f"school{number}@{SCHOOL_MAIL_DOMAIN}",
            group_ids=[group_ids[school.group]],
        )
        for number, school in enumerate(SCHOOLS, start=1)
    ]
    staff: dict[Role, int] = {}
    for user in STAFF:
        staff[user.role] = await accounts.create_user(
            None,
            email=user.email,
            role=user.role.value,
            password=DEMO_PASSWORD,
            full_name=user.full_name,
            position=user.position,
        )
    school_users = [
        await accounts.create_user(
            None,
            email=_school_login(number),
            role=Role.SCHOOL.value,
            password=DEMO_PASSWORD,
            full_name=school.director,
            position=school.position,
            school_id=school_id,
        )
        for number, (school, school_id) in enumerate(zip(SCHOOLS, school_ids, strict=True), 1)
    ]
    secretary = await _actor(staff[Role.SECRETARY])
    head = await _actor(staff[Role.HEAD])
    created = await meetings.create_meeting(secretary, _seed_meeting())

    loader = _Loader(today=today, head=head, schools=[await _actor(u) for u in school_users])
    index_of = {school_id: index for index, school_id in enumerate(school_ids)}
    assigned = 0
    for decision, ((decision_id, _), (offset, states)) in enumerate(
        zip(created.decisions, PLAN, strict=True)
    ):
        due_on = max(_working_day(today, offset), MEETING_DATE)
        rows = await assignments.assign(
            head, decision_id, schools.AllSchools(), due_on=due_on, today=today
        )
        assigned += len(rows)
        for row in rows:
            school = index_of[row.school_id]
            await loader.play(states[school], row.id, row.due_on, school, decision)

    logins = [(user.role.label, user.email, DEMO_PASSWORD) for user in STAFF]
    logins.append(
        (f"{Role.SCHOOL.label} ({SCHOOLS[0].short_name})", _school_login(1), DEMO_PASSWORD)
    )
    return DemoSummary(
        logins=logins,
        department=DEPARTMENT,
        login_school=SCHOOLS[0].short_name,
        groups=len(group_ids),
        schools=len(school_ids),
        users=len(staff) + len(school_users),
        meeting_id=created.id,
        decisions=len(created.decisions),
        assignments=assigned,
        reports=loader.reports,
        extension_requests=loader.extensions,
    )


def _school_login(number: int) -> str:
    return f"school{number}@{USER_MAIL_DOMAIN}"


def _seed_meeting() -> meetings.MeetingDraft:
    """«Выписка из протокола совещания руководителей … от 05.02.2020» (shared/seeds/004)."""
    return meetings.MeetingDraft(
        kind=meetings.MeetingKind.PROTOCOL,
        title=MEETING_TITLE,
        date=MEETING_DATE,
        place=MEETING_PLACE,
        agenda=(meetings.AgendaDraft(title=AGENDA_TITLE, number=1, speakers=(SPEAKER,)),),
        decisions=tuple(
            meetings.DecisionDraft(
                text=text,
                number=str(number),
                kind=meetings.DecisionKind.INSTRUCTION,
                addressee=ADDRESSEE,
                agenda_item=1,
                deadline=DeadlineRule(),
            )
            for number, text in enumerate(DECISIONS, start=1)
        ),
    )
