"""Print the claim status machine from ``claims.workflow`` (Mermaid by default, or Graphviz dot)."""

from django.core.management.base import BaseCommand

from claims import workflow

RENDERERS = {"mermaid": workflow.as_mermaid, "dot": workflow.as_dot}


class Command(BaseCommand):
    help = "Print the claim status machine (claims.workflow) as a Mermaid state diagram or Graphviz dot."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=sorted(RENDERERS), default="mermaid")

    def handle(self, *args, **options):
        self.stdout.write(RENDERERS[options["format"]](), ending="")
