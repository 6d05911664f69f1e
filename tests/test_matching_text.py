from claims.matching import text


def test_the_tweet_tail_is_split_into_author_month_and_year():
    tweet = text.split_tweet("Iran could threaten Trump hotels. — Ilhan Omar (@IlhanMN) January 6, 2020")

    assert tweet.body == "Iran could threaten Trump hotels."
    assert (tweet.author, tweet.month, tweet.year) == ("Ilhan Omar", "january", "2020")


def test_text_without_a_tweet_tail_is_all_body():
    tweet = text.split_tweet("Unemployment fell — again — to 3.5 percent.")

    assert tweet.body == "Unemployment fell — again — to 3.5 percent."
    assert tweet.author == ""


def test_urls_are_dropped_even_when_glued_to_a_hashtag():
    terms = text.words(text.clean("Happy #Hanukkahpic.twitter.com/IfkdcwGENr see https://t.co/x1 now"))

    assert terms == ["happi", "hanukkah", "see"]


def test_hashtags_and_handles_are_split_into_words():
    assert text.words(text.clean("#ImpeachTrump says @Dan_Scavino")) == [
        "impeach",
        "trump",
        "say",
        "dan",
        "scavino",
    ]


def test_case_accents_numbers_and_inflections_are_folded():
    assert text.words("Café OWNERS say 70 per cent of 1,000") == text.words("cafe owner says 70% of 1000")
    assert text.words("photographs") == text.words("pictures") == ["photo"]


def test_a_decimal_number_stays_distinct_from_the_integer_with_the_same_digits():
    assert text.words("3.5 percent") != text.words("35 percent")


def test_bigrams_join_neighbouring_content_words():
    assert text.analyse("drone strike in Iran") == ["drone", "strike", "iran", "drone_strike", "strike_iran"]
