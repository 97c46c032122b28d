from datetime import date

from django.core.management.base import BaseCommand

from jiandu.core.jobs import run_daily_jobs


class Command(BaseCommand):
    help = "立即执行每日任务（预警提醒、逐级催办等）。通常由任务队列每天早上6点自动执行。"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按指定日期执行（YYYY-MM-DD），默认今天")
        parser.add_argument("--only", nargs="+", metavar="任务名", help="只执行这些任务，如 reports.warm_dashboards")

    def handle(self, *args, **options):
        today = date.fromisoformat(options["date"]) if options.get("date") else None
        results = run_daily_jobs(today, options.get("only"))
        for name, counts in results.items():
            self.stdout.write(f"{name}: {counts}")
        if not results:
            self.stdout.write("没有登记的每日任务。" if not options.get("only") else "没有这些名称的每日任务。")
        if any(c.get("error") for c in results.values()):
            raise SystemExit(1)
