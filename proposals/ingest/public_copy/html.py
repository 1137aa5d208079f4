"""Web pages, Word's "Save as Web Page" among them: without the document's properties,
comments, change authors and references to the files of whoever had it."""

from __future__ import annotations

import re

from ..detect import html_encoding
from .addresses import is_web_address

# Word's "Save as Web Page" keeps the document's properties (author, company) in XML
# inside conditional comments, a tracked change's author in cite="mailto:…", and a
# formatting change's author in a style ('mso-prop-change:"Jane Insider" 20121102T1000').
# A comment or an XML island that is never closed runs to the end of the page (see below).
# A script, too, can hold anything, and nothing here reads it: a page saved from
# SharePoint keeps its reader's login and e-mail in one (_spPageContextInfo), JSON-LD
# names the author. Comments and scripts go in one pass, so that whichever starts first
# holds the other, as in a browser: "<!--" in a script starts no comment. Each becomes a
# space, so that what is around it cannot join into a tag ("<scr<!-- -->ipt>").
# A script ends where a browser ends it: "</script" then a blank, "/" or ">".
HTML_COMMENT_OR_SCRIPT = re.compile(
    r"<!--.*?(?:-->|\Z)|<script\b.*?(?:</script(?:[\s/][^>]{0,200})?>|\Z)",
    re.IGNORECASE | re.DOTALL,
)
# What an element runs on an event (onload="…", onclick=…), its name after a blank, a
# quote or a "/" as a browser reads it ("<svg/onload=…>", '<p title="a"onclick=…>'),
# and a frame's page given inline (srcdoc). Taken out of tags only, not out of the text
# ("where one = the number"). A tag a pattern reads otherwise than a browser (a stray
# quote in an unquoted value) is left to the policy below.
ACTIVE_ATTRIBUTE = re.compile(
    r"""(?<=[\s"'/])(?:on[a-z]+|srcdoc)\s*=\s*(?:"[^"]*(?:"|\Z)|'[^']*(?:'|\Z)|[^\s"'<>]+)""",
    re.IGNORECASE,
)
# And, for a browser that reads the copy, a policy that runs nothing whatever is left:
# no script (nor javascript: address, nor event handler), plug-in, frame or form.
NOTHING_RUNS = (
    '<meta http-equiv="Content-Security-Policy" content="script-src \'none\'; '
    "object-src 'none'; frame-src 'none'; form-action 'none'\">"
)
# Only what a browser skips before a doctype: ASCII blanks (the one byte-order mark it
# skips too is gone with the decoding). With anything else before it, the policy must
# come first, or a browser would put it in the body and ignore it.
DOCTYPE = re.compile(r"\A[\t\n\f\r ]*<!doctype\b[^>]{0,200}>", re.IGNORECASE)
XML_ISLAND = re.compile(r"<xml\b.*?(?:</xml\s*>|\Z)", re.IGNORECASE | re.DOTALL)
CHANGE_ATTRIBUTES = re.compile(r"""\s(?:cite|datetime)\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+)""", re.I)
WORD_STYLE = re.compile(
    r"""mso-[\w-]+\s*:(?:"[^"]*"|'[^']*'|&quot;.*?&quot;|[^;"'}>])*;?""", re.IGNORECASE
)
# Where WORD_STYLE applies: a style attribute's value (whose own quote ends it: inside
# style='…' a "'" is not a quoted font name's) and a style sheet.
STYLE_ATTRIBUTE = re.compile(r"""(\sstyle\s*=\s*)(?:"([^"]*)(?:"|\Z)|'([^']*)(?:'|\Z))""", re.I)
# Word's comments: their authors, and their text, are part of the page, which nothing
# here can take apart reliably.
WORD_COMMENTS = re.compile(r"mso-(?:comment-|element:\s*comment)", re.IGNORECASE)
# The patterns below take a tag, a quoted value or an element that is never closed to
# run to the end of the page, as a browser does: one that failed instead would be tried
# again from every "<" after it, hours on a hostile page of unclosed tags.
# Word writes the document's Title property into the page's title: often a file name.
HTML_TITLE = re.compile(r"(<title\b[^>]*(?:>|\Z))(.*?)(</title\s*>|\Z)", re.IGNORECASE | re.DOTALL)
TAG_BODY = r"""(?:"[^"]*(?:"|\Z)|'[^']*(?:'|\Z)|[^"'>])*(?:>|\Z)"""
HTML_TAG = re.compile(r"<[a-z][\w:.-]*" + TAG_BODY, re.IGNORECASE)
HTML_LINK = re.compile(r"<link\b" + TAG_BODY, re.IGNORECASE)
# A <link> to a person: its author, the site's publisher, the owner's own page (rel=me),
# and HTML 4's rev=made, the author.
PERSONAL_LINK = re.compile(
    r"""\sre[lv]\s*=\s*["']?[^"'>]{0,80}?\b(?:author|me|publisher|made)\b""", re.IGNORECASE
)
HTML_STYLE_ELEMENT = re.compile(r"<style\b.*?(?:</style\s*>|\Z)", re.IGNORECASE | re.DOTALL)
# The attributes that point to another file. In a page Word saved, those that are not
# web addresses point into its folder of supporting files, named after the original
# ("Kenya draft for J.Leaker_files", or "-Dateien", "_fichiers" in other languages), or
# elsewhere on the leaker's disk (file:///C:/Users/jleaker/…, \\server\share). The
# public copy is served alone: none of them could be followed anyway.
HTML_REFERENCE = re.compile(
    r"""\s(?:[\w-]+:)?(?:href|src|lowsrc|background|longdesc|data|codebase|action|poster)"""
    r"""\s*=\s*(?:"([^"]*)(?:"|\Z)|'([^']*)(?:'|\Z)|([^\s"'>]+))""",
    re.IGNORECASE,
)
HTML_META = re.compile(r"<meta\b" + TAG_BODY, re.IGNORECASE)
# A <meta> says something about the page or about who made it, under names without end
# (author, DC.contributor, reply-to, lastModifiedBy, Template, twitter:site…). So the
# copy keeps only those that say how to read it, and drops the rest: its encoding, its
# type, how wide to show it, and the program Word saved it for (ProgId). Each attribute
# name with its value, if any, as a browser reads them.
META_ATTRIBUTE = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")
KEPT_META = {
    # (name, value) of the attribute that says what the <meta> is, and what its content
    # may be: None for no content.
    ("charset", None): None,
    ("http-equiv", "content-type"): re.compile(
        r"text/html\s*(?:;\s*charset=[\w.:-]+)?\s*;?\s*", re.IGNORECASE
    ),
    # Entries "key=value" split by commas, one way only: a blank that could end one
    # entry or start the next made a failed match try every split (seconds at 24).
    ("name", "viewport"): re.compile(
        r"\s*[\w-]{1,30}\s*=\s*[\w.-]{1,20}(?:\s*,\s*[\w-]{1,30}\s*=\s*[\w.-]{1,20}){0,20}"
        r"\s*,?\s*"
    ),
    ("name", "progid"): re.compile(r"Word\.Document"),
}
CSS_URL = re.compile(
    r"""url\(\s*(?:"([^"]*)"\s*\)|'([^']*)'\s*\)|([^)]*)(?:\)|\Z))""", re.IGNORECASE
)


def html_without_metadata(data: bytes) -> bytes | None:
    # Decoded first: in UTF-16 the tags are not the bytes the patterns look for. The copy
    # keeps the original's encoding, which its own <meta charset> may state.
    encoding = html_encoding(data)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    if WORD_COMMENTS.search(text):
        return None
    text = HTML_COMMENT_OR_SCRIPT.sub(" ", text)
    for pattern in (XML_ISLAND, CHANGE_ATTRIBUTES):
        text = pattern.sub("", text)
    text = STYLE_ATTRIBUTE.sub(without_word_style, text)
    text = HTML_META.sub(lambda meta: meta[0] if is_kept_meta(meta[0]) else "", text)
    text = HTML_TITLE.sub(r"\1\3", text)
    text = HTML_LINK.sub(lambda link: link[0] if public_link(link[0]) else "", text)
    text = HTML_TAG.sub(lambda tag: without_private_references(tag[0]), text)
    text = HTML_STYLE_ELEMENT.sub(
        lambda style: without_private_references(WORD_STYLE.sub("", style[0])), text
    )
    # Last: once more the scripts, then what elements run on events, so that what the
    # removals above joined ("<p o href=x nload=…>", "<scr mso-x:y;ipt>") runs nothing.
    # Each becomes a blank, which joins no script (a blank before "onclick" is a
    # handler's start again: handlers go after scripts).
    text = HTML_COMMENT_OR_SCRIPT.sub(" ", text)
    text = HTML_TAG.sub(lambda tag: ACTIVE_ATTRIBUTE.sub(" ", tag[0]), text)
    # After the doctype, if any, which must come first.
    start = found.end() if (found := DOCTYPE.match(text)) else 0
    return (text[:start] + NOTHING_RUNS + text[start:]).encode(encoding)


def is_kept_meta(meta: str) -> bool:
    """Whether a <meta> is one that says how to read the page (KEPT_META), and nothing
    else."""
    attributes = {}
    for found in META_ATTRIBUTE.finditer(meta.removeprefix(meta[:5]).rstrip(">")):
        value = next((v for v in found.groups()[1:] if v is not None), None)
        attributes[found[1].lower()] = value
    content = attributes.pop("content", None)
    if len(attributes) != 1:
        return False
    ((name, value),) = attributes.items()
    key = (name, None if name == "charset" else (value or "").strip().lower())
    if key not in KEPT_META:
        return False
    allowed = KEPT_META[key]
    if allowed is None:
        return content is None
    return content is not None and allowed.fullmatch(content) is not None


def without_word_style(attribute: re.Match[str]) -> str:
    """A style attribute without Word's mso- properties, in its own quotes."""
    quote = '"' if attribute[2] is not None else "'"
    value = attribute[2] if attribute[2] is not None else attribute[3]
    return f"{attribute[1]}{quote}{WORD_STYLE.sub('', value)}{quote}"


def public_link(link: str) -> bool:
    """A <link> the copy keeps: to a public place, and not to a person."""
    return has_public_reference(link) and PERSONAL_LINK.search(link) is None


def has_public_reference(link: str) -> bool:
    found = HTML_REFERENCE.search(link)
    return found is not None and is_public_reference(found)


def without_private_references(markup: str) -> str:
    """The tag or style sheet without the references that are not public: an attribute
    goes (an <img> keeps its alt text), a CSS url() becomes none."""
    markup = CSS_URL.sub(lambda url: url[0] if is_public_reference(url) else "none", markup)
    return HTML_REFERENCE.sub(lambda found: found[0] if is_public_reference(found) else "", markup)


def is_public_reference(found: re.Match[str]) -> bool:
    """A place on this page, a web address, or data the page holds itself."""
    value = (found[1] or found[2] or found[3] or "").strip()
    return value.startswith("#") or is_web_address(value) or value.lower().startswith("data:")
