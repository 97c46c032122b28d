from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp

from jiandu.core import otp
from jiandu.demo import structure
from jiandu.organizations.models import User


class Command(BaseCommand):
    """Prints the current 动态验证码 of a demo account.

    Only for demo accounts: it refuses unless the account's TOTP device holds the published demo secret
    (structure.DEMO_TOTP_SECRET, set by `load_demo`), whatever DEBUG says. Since that secret is in the README
    anyway, the code reveals nothing; a real account's code is never printed.
    """

    help = "显示演示账号当前的动态验证码（仅限使用公开演示密钥的演示账号）。"

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = User.objects.filter(username=username).first()
        device = otp.totp_device(user) if user is not None else None
        if device is None or device.key != structure.DEMO_TOTP_KEY_HEX:
            raise CommandError(f"“{username}”不是使用演示密钥的演示账号，不能显示其动态验证码。")
        code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
        self.stdout.write(f"{code:0{device.digits}d}")
