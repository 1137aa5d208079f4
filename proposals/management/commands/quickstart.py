import secrets
import socket

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from proposals.exports import exports_write

ADMIN_USERNAME = "admin"


class Command(BaseCommand):
    help = (
        "Set up a working tracker and serve it: migrate, load the reference and demo data, "
        "create a local admin account, then run the development server. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="Set up, then exit.")
        parser.add_argument("--port", type=int, default=8000, help="Port to serve on (8000).")

    def handle(self, *args, **options):
        port = options["port"]
        if not 0 < port < 65536:
            raise CommandError(f"--port must be between 1 and 65535, not {port}.")
        if not options["no_serve"] and not port_free(port):
            raise CommandError(
                f"Port {port} is in use, perhaps by a tracker already running. Stop it, "
                f"or serve on another port: uv run manage.py quickstart --port {port + 1}"
            )

        self.step("Creating or updating the database")
        call_command("migrate", interactive=False, verbosity=0)
        self.step("Loading the reference data")
        call_command("load_reference", stdout=self.stdout)
        self.step("Loading the demo data")
        call_command("load_demo", stdout=self.stdout)
        self.step("Writing the dataset exports")
        for path in exports_write():
            self.stdout.write(f"  {path}")
        if not settings.DEBUG:
            # runserver serves static files itself only in DEBUG; otherwise WhiteNoise
            # serves the collected copies.
            call_command("collectstatic", interactive=False, verbosity=0)
        login = self.ensure_admin()

        url = f"http://127.0.0.1:{port}/"
        self.stdout.write(self.style.SUCCESS("\nThe tracker is ready."))
        self.stdout.write(f"  Site:    {url}")
        self.stdout.write(f"  Curate:  {url}admin/  {login}")
        if options["no_serve"]:
            self.stdout.write(f"  Serve it with: uv run manage.py runserver 127.0.0.1:{port}")
            return
        self.stdout.write("  Stop the server with Ctrl-C.\n")
        # No autoreloader: it would re-run this whole command in a child process.
        call_command("runserver", f"127.0.0.1:{port}", use_reloader=False)

    def step(self, message: str) -> None:
        self.stdout.write(self.style.MIGRATE_HEADING(f"{message}…"))

    def ensure_admin(self) -> str:
        """Create the local admin account once, with a random password kept in the data
        folder, so that every later run can print the same login."""
        password_file = settings.DATA_DIR / "quickstart-admin-password.txt"
        User = get_user_model()
        user = User.objects.filter(username=ADMIN_USERNAME).first()
        if user is None:
            password = secrets.token_urlsafe(12)
            User.objects.create_superuser(ADMIN_USERNAME, email="", password=password)
            password_file.parent.mkdir(parents=True, exist_ok=True)
            password_file.write_text(password + "\n", encoding="utf-8")
            password_file.chmod(0o600)
            return f"user {ADMIN_USERNAME!r}, password {password!r}"
        if password_file.exists():
            password = password_file.read_text(encoding="utf-8").strip()
            if user.check_password(password):
                return f"user {ADMIN_USERNAME!r}, password {password!r}"
        return (
            f"user {ADMIN_USERNAME!r} (password changed since quickstart created it; "
            f"reset it with: uv run manage.py changepassword {ADMIN_USERNAME})"
        )


def port_free(port: int) -> bool:
    """Asked before setting up, so that a busy port is said at once, not after "ready"."""
    with socket.socket() as probe:
        # As runserver binds: a port left in TIME_WAIT by a server just stopped is free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True
