import unicodedata

from django.core.management.base import BaseCommand, CommandError

from jiandu.core.errors import ValidationFailed
from jiandu.organizations import bootstrap
from jiandu.organizations.enums import Role


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(width - _width(text), 0)


class Command(BaseCommand):
    """The first three administrators of a fresh install (三员分立); see jiandu.organizations.bootstrap."""

    help = (
        "全新安装时创建三员管理员账号（系统管理员、安全保密管理员、安全审计员），授权在委机关上；"
        "机构树为空时先建顶级委机关。已有任何管理员授权时拒绝执行（退出码1，不做任何改动）。"
        "随机初始密码只显示一次，首次登录须绑定动态验证码并修改密码。"
    )

    def add_arguments(self, parser):
        defaults = bootstrap.DEFAULT_USERNAMES
        parser.add_argument("--system", help=f"系统管理员的用户名（默认 {defaults[Role.SYSTEM_ADMIN]}）")
        parser.add_argument("--security", help=f"安全保密管理员的用户名（默认 {defaults[Role.SECURITY_ADMIN]}）")
        parser.add_argument("--audit", help=f"安全审计员的用户名（默认 {defaults[Role.AUDIT_ADMIN]}）")
        parser.add_argument(
            "--org-code",
            help=f"机构树为空时新建的委机关编码（默认 {bootstrap.DEFAULT_ORG_CODE}）；"
            "机构树已有多个顶级委机关时，用它指定其中一个",
        )
        parser.add_argument("--org-name", help=f"机构树为空时新建的委机关名称（默认 {bootstrap.DEFAULT_ORG_NAME}）")
        parser.add_argument("--dry-run", action="store_true", help="只显示将要创建什么，不写入任何内容")

    def handle(self, *args, **options):
        usernames = {
            Role.SYSTEM_ADMIN: options["system"],
            Role.SECURITY_ADMIN: options["security"],
            Role.AUDIT_ADMIN: options["audit"],
        }
        kwargs = {"usernames": usernames, "org_code": options["org_code"], "org_name": options["org_name"]}
        try:
            run = bootstrap.plan if options["dry_run"] else bootstrap.bootstrap_admins
            result = run(**kwargs)
        except ValidationFailed as e:
            raise CommandError(e.message, returncode=1) from None
        for note in result.notes:
            self.stderr.write(self.style.WARNING(note))
        if options["dry_run"]:
            self._show_plan(result)
        else:
            self._show_created(result)

    def _org_line(self, result, *, done: bool) -> str:
        if result.creates_org:
            verb = "已新建" if done else "将新建"
            return f"机构树为空，{verb}顶级委机关「{result.org_name}」（编码 {result.org_code}）。"
        return f"使用已有的委机关「{result.org_name}」（编码 {result.org_code}）。"

    def _show_plan(self, result):
        self.stdout.write("预演（--dry-run），未写入任何内容。")
        self.stdout.write(self._org_line(result, done=False))
        self.stdout.write("将创建以下管理员账号，各授予一个角色，随机初始密码在正式执行时显示：")
        self._table(result, headers=("角色", "用户名", "姓名"), cells=lambda a: (a.username, a.full_name))

    def _show_created(self, result):
        self.stdout.write(self.style.SUCCESS("三员管理员账号已创建。"))
        self.stdout.write(self._org_line(result, done=True))
        self._table(result, headers=("角色", "用户名", "初始密码"), cells=lambda a: (a.username, a.password))
        self.stdout.write(
            self.style.WARNING(
                "以上初始密码只显示这一次，系统中不保存明文。请分别当面或经加密渠道交给三位管理员本人，"
                "不要用邮件、即时通信明文发送，也不要留在终端记录或工单中。"
            )
        )
        self.stdout.write(
            "每个账号首次登录时须先绑定动态验证码（验证器应用扫码，并妥善保存10个恢复码），再修改初始密码。"
            "之后的账号由系统管理员开设、安全保密管理员授权；本命令不会再次执行。"
        )

    def _table(self, result, *, headers, cells):
        rows = [(str(Role(a.role).label), *cells(a)) for a in result.accounts]
        widths = [max(_width(r[i]) for r in [headers, *rows]) for i in range(len(headers))]
        for row in [headers, *rows]:
            self.stdout.write("  " + "  ".join(_pad(cell, w) for cell, w in zip(row, widths, strict=True)).rstrip())
