"""python manage.py verify_draw PLAN_ID — recompute a plan's draw from its published inputs (algorithm.py):
the population hash, the sample of every stratum and the inspector assignments. Exit 0 when they hold, 1 naming
every mismatch."""

from django.core.management.base import BaseCommand, CommandError

from jiandu.sampling.models import Draw, SamplingPlan
from jiandu.sampling.services import verify_draw


class Command(BaseCommand):
    help = "核验双随机抽查计划的抽取结果：按公开的种子和输入重新计算，不一致时退出码为1。"

    def add_arguments(self, parser):
        parser.add_argument("plan_id", type=int)
        parser.add_argument("--draw", type=int, help="第几次抽取（默认：当前有效的一次）")

    def handle(self, *args, plan_id, draw=None, **options):
        plan = SamplingPlan.objects.filter(pk=plan_id).first()
        if plan is None:
            raise CommandError(f"计划 {plan_id} 不存在。", returncode=1)
        qs = Draw.objects.filter(plan=plan)
        record = qs.filter(number=draw).first() if draw else qs.filter(superseded_at__isnull=True).first()
        if record is None:
            raise CommandError(f"计划 {plan_id}「{plan.title}」尚未抽取。", returncode=1)
        problems = verify_draw(record)
        head = (
            f"计划 {plan.pk}「{plan.title}」第{record.number}次抽取"
            f"（种子 {record.seed}，算法 {record.algorithm} v{record.algorithm_version}）"
        )
        if problems:
            for p in problems:
                self.stderr.write(f"不一致：{p}")
            raise CommandError(f"{head}核验失败：共{len(problems)}处不一致。", returncode=1)
        self.stdout.write(
            f"{head}核验通过：总体{record.population_size}个点位，哈希 {record.population_hash}，"
            f"抽中{record.sample_size}个点位，与记录一致。"
        )
