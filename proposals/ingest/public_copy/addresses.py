"""What counts as a public place for a link to point to."""

import re

# A web address names a public place; anything else a link or a picture points to (a
# file: URL, C:\Users\…, \\server\share, a path beside the original) names a place
# on the machine or network of whoever had the file.
WEB_ADDRESS = re.compile(r"\s*(?:https?|ftp|mailto):", re.IGNORECASE)


def is_web_address(target: str) -> bool:
    return WEB_ADDRESS.match(target) is not None
