"""BM25 ranking, excerpts, safe Markdown handling, and answers in the conversation."""

from __future__ import annotations

from trustdesk.bot.knowledge import Article, KnowledgeBase, markdown_to_text, terms

from .conftest import Chat
from .fakes import ARTICLES


def test_best_article_ranks_first() -> None:
    kb = KnowledgeBase(ARTICLES)
    assert kb.search("how much is express delivery?")[0].url.endswith("/delivery")
    assert kb.search("which payment methods do you accept")[0].url.endswith("/payments")
    assert kb.search("discount code not working at checkout")[0].url.endswith("/checkout")


def test_rare_terms_outweigh_common_ones() -> None:
    kb = KnowledgeBase(
        [
            Article("a", "Orders", "Your order and your order and your order.", "https://x/a"),
            Article("b", "Klarna", "Pay for an order later with Klarna in three parts.", "https://x/b"),
        ]
    )
    assert kb.search("order with klarna")[0].url == "https://x/b"


def test_relevance_is_low_when_the_query_is_mostly_unknown() -> None:
    kb = KnowledgeBase(ARTICLES)
    hits = kb.search("is the garden gnome frost resistant in winter")
    assert not hits or hits[0].relevance < 0.35
    assert kb.search("express delivery cost")[0].relevance > 0.6


def test_excerpt_is_short_and_about_the_question() -> None:
    hit = KnowledgeBase(ARTICLES).search("do you ship to switzerland")[0]
    assert "Switzerland" in hit.excerpt
    assert len(hit.excerpt) <= 240


def test_markdown_is_reduced_to_text_and_html_is_not_passed_through() -> None:
    text = markdown_to_text(
        "# Title\n\nSome **bold** text <script>alert(1)</script> and [a link](https://x)."
    )
    assert "<script>" not in text
    assert "**" not in text
    assert "bold" in text and "a link" in text


def test_stemming_matches_word_forms() -> None:
    assert terms("returns returning returned") == ["return", "return", "return"]


def test_empty_base_and_empty_query() -> None:
    assert KnowledgeBase([]).search("anything") == []
    assert KnowledgeBase(ARTICLES).search("the and of") == []


def test_product_question_is_answered_with_excerpt_and_link(chat: Chat) -> None:
    chat.send("do your sweaters run small?")
    assert "run true to size" in chat.text()
    assert "https://help.acme.example/sizes" in chat.text()


def test_technical_issue_gets_tips_when_no_article_matches(chat: Chat) -> None:
    chat.send("the app keeps crashing when i open it")
    assert "reload the page" in chat.text()
    assert "pass you to a person" in chat.text()
