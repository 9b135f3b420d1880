"""Which video platform a URL points at, and the id we build embeds from (never feed HTML)."""

import re

YOUTUBE = re.compile(
    r"^https?://(?:[\w-]+\.)?(?:youtube\.com/(?:watch\?(?:.*&)?v=|shorts/|embed/|live/|v/)"
    r"|youtube-nocookie\.com/embed/|youtu\.be/)([\w-]{11})(?![\w-])",
    re.IGNORECASE,
)
VIMEO = re.compile(r"^https?://(?:www\.|player\.)?vimeo\.com/(?:.*/)?(\d{4,})(?:[/?#]|$)", re.I)
PEERTUBE = re.compile(
    r"^https?://([^/?#@]+)/(?:videos/(?:watch|embed)|w)/"
    r"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[1-9A-HJ-NP-Za-km-z]{22})"
    r"(?:[/?#]|$)",
    re.IGNORECASE,
)


def youtube_watch_url(video_id: str) -> str:
    return f"https://www.youtube.com/watch?v={video_id}"


def video_from_url(url: str) -> tuple[str, str, str] | None:
    """(provider, video id, canonical watch URL) for YouTube, Vimeo and PeerTube links."""
    if match := YOUTUBE.match(url):
        return "youtube", match[1], youtube_watch_url(match[1])
    if match := VIMEO.match(url):
        return "vimeo", match[1], f"https://vimeo.com/{match[1]}"
    if match := PEERTUBE.match(url):
        path = "videos/watch" if "-" in match[2] else "w"
        return "peertube", match[2], f"https://{match[1].lower()}/{path}/{match[2]}"
    return None
