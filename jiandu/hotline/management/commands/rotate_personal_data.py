from django.core.management.base import BaseCommand

from jiandu.hotline.services import rotate_personal_data


class Command(BaseCommand):
    help = (
        "用当前 SM4 密钥（JIANDU_SM4_ACTIVE_KEY）重新加密热线来电人姓名和号码；"
        "完成后可从 JIANDU_SM4_KEYS 中删除旧密钥。"
    )

    def handle(self, *args, **options):
        count = rotate_personal_data()
        self.stdout.write(self.style.SUCCESS(f"已用当前密钥重新加密{count}条热线工单的来电人信息。"))
