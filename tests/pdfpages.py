"""Reading a PDF the tests wrote: page text and a page as PNG (pypdfium2, from PyPI: no system tools)."""

from __future__ import annotations

from pathlib import Path


def page_text(pdf: str | Path, page: int = 0) -> str:
    """The text of one page (0: the first)."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        return doc[page].get_textpage().get_text_range()
    finally:
        doc.close()


def page_png(pdf: str | Path, out: str | Path, page: int = 0, scale: float = 40 / 72) -> Path:
    """Render one page to ``out`` as PNG (``scale``: pixels per point; 40/72 is 40 dpi)."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        doc[page].render(scale=scale).to_pil().save(str(out), format="PNG")
    finally:
        doc.close()
    return Path(out)
