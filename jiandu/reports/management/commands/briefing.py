"""python manage.py briefing --from 2022-03-01 --to 2022-05-20 [--group G-WJW] --format md|docx --output FILE

Writes the briefing of a scope and period without keeping it (the page keeps and edits briefings). The figures are
those the named user may see; by default the first active 委领导 (who sees every group)."""

from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from jiandu.core import audit
from jiandu.core.access import principal
from jiandu.core.enums import EventType
from jiandu.core.errors import AppError
from jiandu.core.official_docx import render_docx
from jiandu.organizations.enums import OrgKind, Role
from jiandu.organizations.models import Org, User

from ... import briefing as text
from ... import services
from ...scope import scope_groups


def _date(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{name}「{value}」不是有效日期，格式如 2022-05-20。") from None


class Command(BaseCommand):
    help = "生成工作简报（Markdown 或公文格式 .docx）。"

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="date_from", required=True, help="起始日期，如 2022-03-01")
        parser.add_argument("--to", dest="date_to", required=True, help="截止日期，如 2022-05-20")
        parser.add_argument("--group", action="append", default=[], help="纪检监察组编码（可重复）；不填为全部")
        parser.add_argument("--format", choices=["md", "docx"], default="md")
        parser.add_argument("--output", required=True, help="输出文件；- 表示标准输出（仅 md）")
        parser.add_argument("--user", help="以该账号可查看的范围生成（默认：第一位委领导）")

    def handle(self, *args, **o):
        user = self._user(o["user"])
        date_from, date_to = _date(o["date_from"], "起始日期"), _date(o["date_to"], "截止日期")
        groups = None
        if o["group"]:
            allowed = {g.code: g for g in scope_groups(user)}
            unknown = [c for c in o["group"] if c not in allowed]
            if unknown:
                known = Org.objects.filter(kind=OrgKind.GROUP, code__in=unknown).values_list("code", flat=True)
                missing = [c for c in unknown if c not in known]
                raise CommandError(
                    f"纪检监察组编码不存在：{'、'.join(missing)}"
                    if missing
                    else f"{user.username} 无权查看：{'、'.join(unknown)}"
                )
            groups = [allowed[c] for c in o["group"]]
        try:
            services.check_period(date_from, date_to)
        except AppError as e:
            raise CommandError("；".join(m for ms in e.fields.values() for m in ms) or e.message) from None
        c = text.compose(user, groups=groups, date_from=date_from, date_to=date_to)
        number = services.next_number(c.issuer, services.briefing_date(date_to).year)
        if o["format"] == "docx":
            if o["output"] == "-":
                raise CommandError(".docx 须写入文件，请用 --output 指定文件名。")
            data = render_docx(services.official(c.title, number, c.issuer, date_to, c.sections, c.closing))
        else:
            subtitle = f"{c.issuer}　{number}　{text.period_phrase(date_from, date_to)}"
            data = text.as_markdown(c.title, subtitle, c.sections, c.closing).encode()
        audit.record(
            EventType.EXPORT,
            actor=user,
            object_type="briefing",
            object_repr=c.title,
            details={"format": o["format"], "from": str(date_from), "to": str(date_to), "groups": o["group"]},
        )
        if o["output"] == "-":
            self.stdout.write(data.decode())
            return
        Path(o["output"]).write_bytes(data)
        self.stderr.write(self.style.SUCCESS(f"简报已写入 {o['output']}（{len(data)} 字节）。"))

    def _user(self, username: str | None) -> User:
        if username:
            user = User.objects.filter(username=username, is_active=True).first()
            if user is None:
                raise CommandError(f"账号 {username} 不存在或已停用。")
        else:
            user = User.objects.filter(is_active=True, grants__role=Role.COMMISSION_LEADER).order_by("pk").first()
            if user is None:
                raise CommandError("没有可用的委领导账号，请用 --user 指定账号。")
        if not principal(user).has(Role.COMMISSION_LEADER, Role.OFFICE_STAFF, Role.GROUP_LEADER, Role.GROUP_MEMBER):
            raise CommandError(f"账号 {user.username} 无权生成简报。")
        return user
