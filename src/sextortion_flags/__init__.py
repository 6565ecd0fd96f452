"""sextortion_flags: flags the warning signs of sextortion and online grooming in chats.

    from sextortion_flags import Analyzer
    report = Analyzer().analyze({"id": "c1", "messages": [...]})
"""

from sextortion_flags._version import __version__
from sextortion_flags.analyzer import Analyzer
from sextortion_flags.errors import SextortionFlagsError
from sextortion_flags.models import (
    Account,
    Conversation,
    ErrorReport,
    Evidence,
    Flag,
    Message,
    Participant,
    Report,
)

__all__ = [
    "Analyzer",
    "Account",
    "Conversation",
    "ErrorReport",
    "Evidence",
    "Flag",
    "Message",
    "Participant",
    "Report",
    "SextortionFlagsError",
    "__version__",
]
