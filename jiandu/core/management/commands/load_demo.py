from django.core.management.base import BaseCommand

from jiandu.demo import loader, structure
from jiandu.organizations.enums import Role

SUMMARY_LABELS = {
    "orgs": "机构",
    "accounts": "账号",
    "sites": "点位",
    "activities": "监督检查活动",
    "campaigns": "专项监督",
    "documents": "监督文书",
    "problems": "问题",
    "hotlines": "服务热线",
    "hotline_cases": "热线工单",
    "test_calls": "暗访测试",
}


class Command(BaseCommand):
    help = "载入吉林2022演示场景（可重复执行，结果相同）。"

    def handle(self, *args, **options):
        result = loader.load()
        parts = "，".join(f"{SUMMARY_LABELS[k]}{v}" for k, v in result["summary"].items() if k in SUMMARY_LABELS)
        self.stdout.write(self.style.SUCCESS(f"演示数据已载入：{parts}。"))
        self.stdout.write("")
        self.stdout.write(f"演示账号（密码均为 {structure.DEMO_PASSWORD}）：")
        shown = {u for u, *_ in structure.NAMED_USERS} | {
            "wjw_leader",
            "wjw_member",
            "wjw_liaison",
            "yjt_leader",
            "yjt_member",
            "yjt_liaison",
            "swt_leader",
            "swt_liaison",
        }
        for username, full_name, role, _org in result["accounts"]:
            if username in shown:
                self.stdout.write(f"  {username:<14} {Role(role).label:<10} {full_name}")
        self.stdout.write("  其余各组：<组代码>_leader / _member / _liaison，组代码见 README。")
        self.stdout.write(
            f"组长和三员账号登录时还须输入动态验证码：在验证器应用中添加演示密钥 {structure.DEMO_TOTP_SECRET}，"
            "或运行 python manage.py demo_otp <账号> 查看当前验证码。"
        )
