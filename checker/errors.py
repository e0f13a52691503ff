"""Errors that reach the user as one line, with a code, the file and what to do.

Library code raises these; the CLI turns them into `checker: [E101] path: message` on stderr and
the exit code below, at one boundary (checker.cli.main). Never a traceback.
"""
from __future__ import annotations


class CheckerError(Exception):
    """A fatal problem the user can fix. exit_code 2 = usage / malformed input."""

    code = "E000"
    exit_code = 2

    def __init__(self, message: str, path: str | None = None, line: int | None = None, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.hint = hint

    def one_line(self) -> str:
        where = ""
        if self.path:
            where = f"{self.path}{':' + str(self.line) if self.line else ''}: "
        hint = f" — {self.hint}" if self.hint else ""
        return f"[{self.code}] {where}{self.message}{hint}"


class UsageError(CheckerError):
    code = "E001"


class ManifestError(CheckerError):
    code = "E101"


class NothingReadableError(CheckerError):
    code = "E102"


class RuleFileError(CheckerError):
    code = "E201"


class LexiconError(CheckerError):
    code = "E202"


class ConfigError(CheckerError):
    code = "E203"


class BaselineError(CheckerError):
    code = "E301"


class StoreError(CheckerError):
    code = "E401"


class VerdictError(CheckerError):
    code = "E501"


class BadArticle(Exception):
    """A single article that cannot be read: warned about and skipped, never fatal."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason
