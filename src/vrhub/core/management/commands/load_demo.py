from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from vrhub.core.demo import build_world


class Command(BaseCommand):
    help = "Loads the demo world (idempotent) and prints the demo sign-ins."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.VRHUB_ALLOW_DEMO:
            raise CommandError("The demo world is not allowed with these settings (production).")
        world = build_world()
        made = ", ".join(f"{n} {what}" for what, n in world.created.items()) or "nothing new"
        self.stdout.write(f"Demo world ready ({made}).")
        self.stdout.write("")
        self.stdout.write("Demo sign-ins (http://127.0.0.1:8000/sign-in/):")
        width = max(len(s.role_label) for s in world.sign_ins)
        for s in world.sign_ins:
            self.stdout.write(f"  {s.role_label:<{width}}  {s.email:<38} {s.password}")
