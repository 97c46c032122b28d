from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiandu.core.models import BaseModel

from .enums import OrgKind, Role, SiteType

PATH_SEGMENT = 8  # digits per level of Org.path: "00000001/00000005/"


class Org(BaseModel):
    """One node of the org tree. `path` is the materialized path of ids, so a subtree is a prefix query."""

    kind = models.CharField(_("类型"), max_length=16, choices=OrgKind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级机构"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    code = models.CharField(_("机构编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=50, blank=True)
    path = models.CharField(_("路径"), max_length=255, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(_("层级"), default=0, editable=False)
    sort_order = models.IntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("组织机构")
        verbose_name_plural = _("组织机构")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(condition=~Q(parent=models.F("id")), name="org_not_own_parent"),
            models.CheckConstraint(condition=Q(kind__in=OrgKind.values), name="org_kind_valid"),
        ]

    def __str__(self):
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    def ancestor_ids(self) -> list[int]:
        """Ids from the root down to and including this org, read off the path."""
        return [int(s) for s in self.path.strip("/").split("/") if s]


class User(AbstractUser):
    """An account. Roles come from RoleGrant rows; `org` is where the person works."""

    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    org = models.ForeignKey(
        Org, verbose_name=_("所在单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="staff"
    )
    came_from_org = models.ForeignKey(
        Org,
        verbose_name=_("原单位（派出单位）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("从驻在部门等单位抽调、挂职的人员填写；双随机抽查时不安排其检查原单位（回避）。"),
    )
    must_change_password = models.BooleanField(_("须修改密码"), default=False)
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        ordering = ["username"]

    def __str__(self):
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username


class RoleGrant(models.Model):
    """A role held by a user on an org (a group for group roles, a department or unit for liaisons)."""

    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="grants")
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)
    org = models.ForeignKey(Org, verbose_name=_("机构"), on_delete=models.PROTECT, related_name="grants")
    granted_at = models.DateTimeField(_("授权时间"), auto_now_add=True)
    granted_by = models.ForeignKey(
        User, verbose_name=_("授权人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "org"], name="grant_unique"),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="grant_role_valid"),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.org}"


class Assignment(BaseModel):
    """A group supervises an org and its subtree (联系/监督关系). A group may cover several orgs."""

    group = models.ForeignKey(Org, verbose_name=_("纪检监察组"), on_delete=models.PROTECT, related_name="assignments")
    org = models.ForeignKey(Org, verbose_name=_("监督单位"), on_delete=models.PROTECT, related_name="supervisors")
    start_date = models.DateField(_("起始日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("监督关系")
        verbose_name_plural = _("监督关系")
        ordering = ["group__path", "org__path"]
        constraints = [
            models.UniqueConstraint(fields=["group", "org"], name="assignment_unique"),
            models.CheckConstraint(condition=~Q(group=models.F("org")), name="assignment_not_self"),
        ]

    def __str__(self):
        return f"{self.group} → {self.org}"


class Site(BaseModel):
    """A place (or a hotline) that is checked. Other modules attach their records to sites."""

    site_type = models.CharField(_("点位类型"), max_length=20, choices=SiteType.choices, db_index=True)
    code = models.CharField(_("点位编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=120)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    responsible_org = models.ForeignKey(Org, verbose_name=_("责任单位"), on_delete=models.PROTECT, related_name="sites")
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=8, decimal_places=6, null=True, blank=True)
    attributes = models.JSONField(_("属性"), default=dict, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("监督点位")
        verbose_name_plural = _("监督点位")
        ordering = ["site_type", "code"]
        indexes = [models.Index(fields=["responsible_org", "site_type"])]
        constraints = [
            models.CheckConstraint(condition=Q(site_type__in=SiteType.values), name="site_type_valid"),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="site_longitude_range",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="site_latitude_range",
            ),
        ]

    def __str__(self):
        return self.name


class PasswordHistory(models.Model):
    """The hash of a password the user has had, so that the last few are not used again (等保)."""

    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="+")
    password = models.CharField(_("密码哈希"), max_length=128)
    created_at = models.DateTimeField(_("设置时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("历史密码")
        verbose_name_plural = _("历史密码")

    def __str__(self):
        return f"{self.user_id} · {self.created_at:%Y-%m-%d}"


class UserSession(models.Model):
    """A login session of a user, so that the oldest can be ended when JIANDU_MAX_SESSIONS_PER_USER is set."""

    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="+")
    session_key = models.CharField(_("会话"), max_length=40, unique=True)
    created_at = models.DateTimeField(_("登录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("登录会话")
        verbose_name_plural = _("登录会话")

    def __str__(self):
        return f"{self.user_id} · {self.created_at:%Y-%m-%d %H:%M}"
