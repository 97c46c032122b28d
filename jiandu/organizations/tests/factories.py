import factory

from jiandu.organizations.enums import OrgKind, SiteType
from jiandu.organizations.models import PATH_SEGMENT, Assignment, Org, RoleGrant, Site, User

TEST_PASSWORD = "Jiandu@2022"


class OrgFactory(factory.django.DjangoModelFactory):
    """Builds a node with a correct materialized path (as org_create would, without the audit)."""

    class Meta:
        model = Org

    kind = OrgKind.DEPARTMENT
    parent = None
    code = factory.Sequence(lambda n: f"T{n:05d}")
    name = factory.Sequence(lambda n: f"测试机构{n}")
    path = ""

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        parent = kwargs.get("parent")
        kwargs["depth"] = parent.depth + 1 if parent else 0
        org = super()._create(model_class, *args, **kwargs)
        org.path = (parent.path if parent else "") + f"{org.pk:0{PATH_SEGMENT}d}/"
        org.save(update_fields=["path"])
        return org


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or TEST_PASSWORD)
        if create:
            self.save(update_fields=["password"])


class GrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleGrant

    user = factory.SubFactory(UserFactory)
    org = factory.SubFactory(OrgFactory)


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    site_type = SiteType.COMMUNITY
    code = factory.Sequence(lambda n: f"S{n:06d}")
    name = factory.Sequence(lambda n: f"测试社区{n}")


def user_with_role(role: str, org: Org, username: str | None = None, **kwargs) -> User:
    if username:
        kwargs["username"] = username
    user = UserFactory(org=org, **kwargs)
    RoleGrant.objects.create(user=user, role=role, org=org)
    return user
