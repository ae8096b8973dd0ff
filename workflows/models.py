"""Organisation: hospital settings, units, terms, people and role grants."""

from datetime import date
from decimal import Decimal

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .audit import audited_history
from .audit.compliance_store import ComplianceCursor, ComplianceFailure, ComplianceRecord  # noqa: F401 (合规体检)
from .audit.ledger import Checkpoint, LedgerEntry, VerificationRun  # noqa: F401 (the audit ledger lives in this app)
from .org.roles import UNIT_PERMISSIONS, UNIT_ROLES, Role
from .tokens import TokenActivity  # noqa: F401 (API token expiry lives in this app)


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class HospitalSettings(models.Model):
    """The one row of hospital-wide settings (import_org `hospital` and `settings`)."""

    hospital = models.CharField(_("医院"), max_length=100, default="示例医院")
    large_fund_threshold = models.DecimalField(
        _("大额资金标准（元）"), max_digits=14, decimal_places=2, default=Decimal("500000"),
        validators=[MinValueValidator(0)],
    )
    meeting_notice_days = models.PositiveSmallIntegerField(_("会议通知提前天数"), default=3)
    implementation_due_days = models.PositiveSmallIntegerField(_("执行督办默认期限（天）"), default=30)
    history = audited_history()

    class Meta:
        verbose_name = _("医院设置")
        verbose_name_plural = _("医院设置")

    def __str__(self):
        return self.hospital

    @classmethod
    def current(cls) -> "HospitalSettings":
        obj = cls.objects.order_by("pk").first()
        if obj is None:
            obj = cls.objects.create()
        return obj


class Unit(models.Model):
    """A party organisation: the committee (党委), a general branch (党总支) or a branch (党支部)."""

    class Kind(models.TextChoices):
        COMMITTEE = "committee", _("党委")
        GENERAL_BRANCH = "general_branch", _("党总支")
        BRANCH = "branch", _("党支部")

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级组织"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    department = models.CharField(_("所在科室"), max_length=100, blank=True)
    term_years = models.PositiveSmallIntegerField(_("任期（年）"), default=3)
    active = models.BooleanField(_("有效"), default=True)
    history = audited_history()

    class Meta:
        verbose_name = _("党组织")
        verbose_name_plural = _("党组织")
        ordering = ["code"]
        permissions = UNIT_PERMISSIONS

    def __str__(self):
        return self.name

    @property
    def current_term(self):
        return self.terms.filter(status=Term.Status.CURRENT).first()

    def full_members(self):
        return User.objects.filter(unit=self, membership=User.Membership.FULL, is_active=True)

    def holders_of(self, role: str):
        return User.objects.filter(role_grants__unit=self, role_grants__role=role, is_active=True).distinct()

    @property
    def secretary(self):
        return self.holders_of(Role.BRANCH_SECRETARY).first()

    def ancestors(self):
        node, seen = self.parent, []
        while node is not None and node not in seen:
            seen.append(node)
            node = node.parent
        return seen


class TermQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for term in objs:  # as save() does
            term.effective_end = term.postponed_until or term.ends
        return super().bulk_create(objs, *args, **kwargs)


class Term(models.Model):
    """One term of office of a unit's committee (届)."""

    class Status(models.TextChoices):
        CURRENT = "current", _("在任")
        ENDED = "ended", _("已届满换届")

    unit = models.ForeignKey(Unit, verbose_name=_("党组织"), on_delete=models.PROTECT, related_name="terms")
    started = models.DateField(_("开始日期"))
    ends = models.DateField(_("届满日期"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.CURRENT)
    postponed_until = models.DateField(_("批准延期至"), null=True, blank=True)
    postpone_reason = models.CharField(_("延期理由"), max_length=200, blank=True)
    # The approved postponement or else the end: kept by save() so reminders find due terms by an index.
    effective_end = models.DateField(_("实际届满日期"), editable=False)
    history = audited_history(excluded_fields=["effective_end"])  # derived from the two dates above

    objects = TermQuerySet.as_manager()

    class Meta:
        verbose_name = _("任期")
        verbose_name_plural = _("任期")
        ordering = ["-started"]
        constraints = [
            models.UniqueConstraint(fields=["unit"], condition=Q(status="current"), name="one_current_term_per_unit"),
            models.CheckConstraint(condition=Q(ends__gt=models.F("started")), name="term_ends_after_start"),
        ]
        indexes = [models.Index(fields=["effective_end"], condition=Q(status="current"), name="current_term_end")]

    def __str__(self):
        return f"{self.unit.name} {self.started:%Y-%m-%d}—{self.ends:%Y-%m-%d}"

    def save(self, *args, **kwargs):
        self.effective_end = self.postponed_until or self.ends
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"ends", "postponed_until"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "effective_end"}
        super().save(*args, **kwargs)

    def days_left(self, today: date) -> int:
        return (self.effective_end - today).days


class HospitalUserManager(UserManager):
    pass


class User(AbstractUser):
    """A person: login account, name, unit and party membership."""

    class Membership(models.TextChoices):
        FULL = "full", _("正式党员")
        PROBATIONARY = "probationary", _("预备党员")
        NONE = "none", _("非党员")

    name = models.CharField(_("姓名"), max_length=50)
    unit = models.ForeignKey(
        Unit, verbose_name=_("所在党组织"), null=True, blank=True, on_delete=models.PROTECT, related_name="people"
    )
    membership = models.CharField(_("党员身份"), max_length=20, choices=Membership.choices, default=Membership.NONE)
    history = audited_history(excluded_fields=["password", "last_login"])

    objects = HospitalUserManager()

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        ordering = ["username"]

    def __str__(self):
        return self.name or self.username

    def get_full_name(self):
        return self.name or self.username

    @property
    def is_full_member(self) -> bool:
        return self.membership == self.Membership.FULL

    @property
    def _viewflow_per_object_perm_cache(self) -> set[str]:
        """What viewflow's task queue reads ("app.codename_pk"): one query per request (org.perm_cache),
        where viewflow's own loader asks twice per object permission."""
        from .org.perm_cache import viewflow_object_perms

        return viewflow_object_perms(self)

    @_viewflow_per_object_perm_cache.setter
    def _viewflow_per_object_perm_cache(self, value) -> None:
        pass  # viewflow stores what it loaded; ours is already cached


class RoleGrant(models.Model):
    """A role held by a person, hospital-wide or in one unit."""

    user = models.ForeignKey(User, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(_("角色"), max_length=30, choices=Role.choices)
    unit = models.ForeignKey(Unit, verbose_name=_("党组织"), null=True, blank=True, on_delete=models.CASCADE)
    history = audited_history()

    class Meta:
        verbose_name = _("角色授予")
        verbose_name_plural = _("角色授予")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "unit"], name="unique_unit_role_grant"),
            models.UniqueConstraint(
                fields=["user", "role"], condition=Q(unit__isnull=True), name="unique_global_role_grant"
            ),
            models.CheckConstraint(
                condition=~Q(role__in=[r.value for r in Role if r in UNIT_ROLES]) | Q(unit__isnull=False),  # stable order
                name="unit_role_has_unit",
            ),
        ]

    def __str__(self):
        where = f"@{self.unit.code}" if self.unit_id else ""
        return f"{self.user} {self.get_role_display()}{where}"


class Notification(models.Model):
    """An in-app message to one person (also e-mailed when they have an address)."""

    user = models.ForeignKey(User, verbose_name=_("接收人"), on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("类型"), max_length=40)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    created = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    emailed = models.BooleanField(_("已发邮件"), default=False)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self):
        return self.title


class Reminder(models.Model):
    """A reminder sent once per target, kind and period (claimed under a unique constraint)."""

    class Kind(models.TextChoices):
        TERM_180 = "term_180", _("换届提醒（届满前180天）")
        TERM_90 = "term_90", _("换届提醒（届满前90天）")
        TERM_30 = "term_30", _("换届提醒（届满前30天）")
        TERM_OVERDUE = "term_overdue", _("换届逾期提醒")
        TASK_DUE = "task_due", _("待办即将到期")
        TASK_OVERDUE = "task_overdue", _("待办已逾期")

    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    target = models.CharField(_("对象"), max_length=100, help_text="term:<id> 或 task:<id>")
    period = models.CharField(_("周期"), max_length=40, help_text="同一对象同一类型每周期只发一次")
    unit = models.ForeignKey(Unit, verbose_name=_("党组织"), null=True, blank=True, on_delete=models.SET_NULL)
    recipients = models.JSONField(_("接收人"), default=list)
    sent_at = models.DateTimeField(_("发送时间"), db_index=True)

    class Meta:
        verbose_name = _("提醒记录")
        verbose_name_plural = _("提醒记录")
        ordering = ["-sent_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["kind", "target", "period"], name="reminder_once_per_period")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.target} {self.period}"


from .notifications.models import Delivery, UnitChannels  # noqa: E402, F401 (the outbox and unit channels)
from .tasks.models import TaskSchedule  # noqa: E402, F401 (human tasks' due dates and notice bookkeeping)
