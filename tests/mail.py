"""Reading the emails tests receive: attached files apart from the inline QR images."""

from email.mime.base import MIMEBase


def files_of(message) -> list[tuple[str, bytes, str]]:
    """(name, content, mimetype) of each attached file; inline images are left out."""
    return [item for item in message.attachments if not isinstance(item, MIMEBase)]
