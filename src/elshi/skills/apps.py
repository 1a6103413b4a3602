from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SkillsConfig(AppConfig):
    name = "elshi.skills"
    label = "skills"
    verbose_name = _("Digital skills: the playbook, its checks, who needs help")
