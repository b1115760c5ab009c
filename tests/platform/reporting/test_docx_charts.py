"""Charts in the Word pack: each chart of the pack is a picture drawn from the same SVG the
pack page shows (core.charts), with alternative text that says the figures, and its table
equivalent under it."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from docx import Document
from PIL import Image

from goldenthread.platform.reporting.domain.definitions import DefinitionSpec
from goldenthread.platform.reporting.selectors import pack_from_spec
from goldenthread.platform.reporting.services.outputs import render
from goldenthread.platform.reporting.services.outputs.chart_images import chart_svg
from goldenthread.platform.reporting.services.outputs.pdf import pack_html
from tests.factories import (
    IndicatorFactory,
    IndicatorValueFactory,
    StrategyNodeFactory,
    TargetFactory,
)

QUARTERS = (("2024/25 Q1", "61.5", "60"), ("2024/25 Q2", "64.5", "62"))


@pytest.fixture
def charted_pack(in_alpha, definition_data):
    priority = StrategyNodeFactory(code="P9", title="Healthy lives", level=1)
    for code in ("CH1", "CH2"):
        pi = IndicatorFactory(code=code, title=f"Chart measure {code}", decimal_places=1)
        priority.indicators.add(pi)
        for period, value, target in QUARTERS:
            IndicatorValueFactory(indicator=pi, period=period, value=Decimal(value))
            TargetFactory(indicator=pi, period=period, value=Decimal(target))
    spec = DefinitionSpec.parse(
        definition_data(
            layout="priorities", scope="priorities", strategy_node_ids=[priority.pk], charts=True
        )
    )
    return pack_from_spec(spec=spec, period="2024/25 Q2", today=date(2025, 1, 10))


def test_each_chart_is_a_picture_with_alt_text_and_its_table(charted_pack):
    charts = charted_pack.sections[0].charts
    assert len(charts) == 2
    document = Document(io.BytesIO(render(charted_pack, "docx").content))

    pictures = document.inline_shapes
    assert len(pictures) == len(charts)
    for picture, chart in zip(pictures, charts, strict=True):
        properties = picture._inline.docPr
        assert properties.get("title") == chart.title
        words = properties.get("descr")
        assert chart.title in words and "61.5%" in words and "64.5%" in words
        assert "60.0%" in words and "62.0%" in words  # the targets too
        blip = picture._inline.graphic.graphicData.pic.blipFill.blip
        image = document.part.related_parts[blip.embed].blob
        with Image.open(io.BytesIO(image)) as drawn:
            assert drawn.format == "PNG" and drawn.width >= 700
            # Not a blank picture: the lines and text are drawn in more than one colour.
            assert len(drawn.convert("RGB").getcolors(maxcolors=100_000) or ()) > 3

    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 3"]
    assert [chart.title for chart in charts] == headings
    # The table equivalent: period by period, each series' figure.
    chart_tables = [t for t in document.tables if t.rows[0].cells[0].text == "Period"]
    assert len(chart_tables) == len(charts)
    first = [[cell.text for cell in row.cells] for row in chart_tables[0].rows]
    assert first[0][0] == "Period" and len(first) == 1 + len(QUARTERS)
    assert first[1][1:] == ["61.5%", "60.0%"]


def test_the_word_chart_is_drawn_from_the_svg_of_the_page(charted_pack):
    """The same `core.charts` geometry: every line of the page's chart is in the picture's SVG."""
    chart = charted_pack.sections[0].charts[0]
    svg, width, height = chart_svg(chart, 1)
    page = pack_html(charted_pack)
    page_paths = re.findall(r'<path class="[^"]+" d="([^"]+)"', page)
    word_paths = re.findall(r'<path class="[^"]+" d="([^"]+)"', svg)
    assert word_paths and set(word_paths) <= set(page_paths)
    assert 'xmlns="http://www.w3.org/2000/svg"' in svg and (width, height) == (720, 320)
