"""Write ``newsgroups_offline.json.gz``: a small synthetic stand-in for two 20 newsgroups classes.

``text_20newsgroups.ipynb`` uses the real data (``sklearn.datasets.fetch_20newsgroups``)
when it can download it, and this corpus when it cannot (no network, CI). Every
sentence below was written for lime-widget; the posts are assembled at random from
them, with e-mail style headers (``From:``, ``Subject:``, ``Organization:``,
``Lines:`` and sometimes ``NNTP-Posting-Host:``).

The corpus reproduces the artifact the LIME paper found in the real data: the
``NNTP-Posting-Host`` header appears in about half of the ``alt.atheism`` posts and
almost never in ``soc.religion.christian`` posts, while the bodies of the two groups
share much of their vocabulary. A classifier can score well by reading the header.

Run ``python make_offline_newsgroups.py`` in this folder to regenerate the file (the
output is deterministic).
"""

from __future__ import annotations

import gzip
import json
import random
from pathlib import Path

TARGET_NAMES = ["alt.atheism", "soc.religion.christian"]
ATHEISM, CHRISTIAN = 0, 1
N_TRAIN = {ATHEISM: 180, CHRISTIAN: 200}
N_TEST = {ATHEISM: 110, CHRISTIAN: 120}
POSTING_HOST_RATE = {ATHEISM: 0.5, CHRISTIAN: 0.02}

FIRST = ["alan", "beth", "carlos", "dana", "erik", "fiona", "george", "hannah", "ivan", "julia", "kevin",
         "laura", "martin", "nadia", "oscar", "paula", "quentin", "rosa", "simon", "tessa", "umar", "vera",
         "walter", "xenia", "yusuf", "zoe"]
LAST = ["abbott", "brennan", "castillo", "dekker", "ellison", "fairbanks", "garver", "holm", "ibarra",
        "jansen", "kowalski", "lindqvist", "moreau", "novak", "okafor", "petrov", "quinlan", "rasmussen",
        "sorensen", "tanaka", "underwood", "valdez", "whitlock", "yamada", "zeller"]
# (domain, organization) pairs, shared by both groups
SITES = [
    ("cs.northfield.edu", "Northfield University, Dept. of Computer Science"),
    ("math.lakeshore.edu", "Lakeshore College Mathematics"),
    ("phys.ridgeway.ac.uk", "Ridgeway University Physics Department"),
    ("eng.harbor-tech.edu", "Harbor Institute of Technology"),
    ("lib.easton.edu", "Easton State University Library"),
    ("unixlab.westvale.edu", "Westvale University Computing Services"),
    ("acme-systems.com", "Acme Systems Inc., Research Division"),
    ("netlink.net", "NetLink Public Access Unix"),
    ("bluemesa.org", "Blue Mesa Community Network"),
    ("stats.kingsbridge.edu", "Kingsbridge University Statistics"),
]
HOSTS = ["sun4", "vax2", "orion", "hermes", "gauss", "turing", "atlas", "zeus", "kepler", "pascal", "nova"]

SUBJECTS = {
    ATHEISM: ["The burden of proof", "Is morality possible without god?", "Arguments from design",
              "Why I stopped believing", "Miracles and evidence", "Pascal's wager again",
              "Objective morality", "Faith versus reason", "Atheism is not a religion",
              "Questions for believers", "The problem of evil", "Science and the supernatural"],
    CHRISTIAN: ["Prayer and doubt", "Reading the gospels", "Grace and works", "Church attendance",
                "Question about baptism", "The meaning of the resurrection", "Forgiveness",
                "Bible study groups", "Faith in hard times", "Sunday worship", "On humility",
                "Understanding the Trinity"],
}

# Sentences either group might write: the vocabulary the two classes share.
SHARED = [
    "I have been thinking about this question for a long time.",
    "The bible says many things, and people read it in very different ways.",
    "What do you mean when you use the word god?",
    "Belief is a personal matter, but it shapes how people act.",
    "Morality is a hard subject and I do not claim to have the answer.",
    "Many people in this group have argued about this before.",
    "I would like to hear what others think about this.",
    "The question of suffering is one that every thoughtful person faces.",
    "History shows that religion has done both good and harm.",
    "My parents raised me in a religious household.",
    "It is easy to caricature the other side of this debate.",
    "Whether god exists is not a question that can be settled in a single post.",
    "People often confuse what they believe with what they know.",
    "Let me try to state the argument more carefully.",
    "I read that book last year and found it interesting.",
    "There are good people on both sides of this discussion.",
    "Some of the early texts were written long after the events they describe.",
    "Words like truth and faith mean different things to different people.",
    "I think we agree more than it seems.",
    "This thread has drifted a long way from the original question.",
]

ATHEIST = [
    "I see no evidence that would justify a belief in any god.",
    "The burden of proof lies with the person making the claim.",
    "Extraordinary claims require extraordinary evidence.",
    "Science explains the natural world without appealing to the supernatural.",
    "An argument from ignorance is not a proof of anything.",
    "If your god is all powerful and all good, why is there so much suffering?",
    "Morality comes from empathy and reason, not from a holy book.",
    "I lack belief in gods, which is not the same as claiming that none exist.",
    "Reason and skepticism are the best tools we have for finding out what is true.",
    "Calling something a mystery does not make it an explanation.",
    "The design argument fails once you understand evolution.",
    "Pascal's wager would work equally well for any religion.",
    "Miracle stories are exactly what we would expect from rumour and wishful thinking.",
    "Atheism is simply the absence of belief, not a creed.",
    "Which of the thousands of gods people have worshipped should I pick?",
    "A claim that cannot be tested cannot be known to be true.",
    "Prayer studies have never shown any effect beyond chance.",
    "Religious texts contradict each other and themselves.",
    "I was a believer once, and leaving faith made me more honest.",
    "Nothing in physics requires a creator.",
    "Circular reasoning does not become valid because it is ancient.",
    "Freethinkers have been making this point for centuries.",
]

CHRISTIAN_ = [
    "I pray every morning and it gives me peace.",
    "Jesus taught us to love our neighbours, even our enemies.",
    "Our church started a bible study group on the gospel of John.",
    "Grace is a gift; it is not something we earn by our works.",
    "The resurrection is the centre of the Christian faith.",
    "Scripture should be read in context and with humility.",
    "We confess our sins and trust in the forgiveness of Christ.",
    "Our pastor preached on the prodigal son last Sunday.",
    "Faith is trust in God even when we cannot see the way ahead.",
    "The Holy Spirit works in the hearts of believers.",
    "Baptism is a sign of new life in Christ.",
    "I would encourage you to talk with a minister you trust.",
    "The early church met in homes and shared everything they had.",
    "Salvation comes through Christ, not through the law.",
    "Fellowship with other believers has strengthened my walk with the Lord.",
    "The Psalms have comforted me through many hard seasons.",
    "God's love is patient, and He does not give up on us.",
    "We celebrate communion together as a congregation.",
    "Please keep my family in your prayers this week.",
    "The creeds summarise what Christians have believed for centuries.",
    "Worship is about God, not about our own preferences.",
    "May the Lord bless you and keep you.",
]

# sign-offs: some shared, some typical of one group (a smaller artifact than the header)
CLOSINGS = {
    ATHEISM: ["Regards,", "Cheers,", "Thanks for reading.", "--", "Think for yourself.", "Just my two cents."],
    CHRISTIAN: ["Regards,", "Cheers,", "Thanks for reading.", "--", "In Christ,", "God bless,", "Peace,"],
}


def _person(rng: random.Random) -> tuple[str, str]:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    return f"{first[0]}{last}", f"{first.title()} {last.title()}"


def _body(rng: random.Random, label: int) -> list[str]:
    own = ATHEIST if label == ATHEISM else CHRISTIAN_
    other = CHRISTIAN_ if label == ATHEISM else ATHEIST
    lines = []
    if rng.random() < 0.35:  # quote the post being answered
        user, name = _person(rng)
        domain, _ = rng.choice(SITES)
        lines.append(f"In article <{rng.randint(10000, 99999)}@{domain}>, {user}@{domain} ({name}) writes:")
        quoted = rng.choice(other if rng.random() < 0.6 else SHARED)
        lines.append(f"> {quoted}")
        lines.append("")
    sentences = []
    for _ in range(rng.randint(3, 6)):
        r = rng.random()
        pool = own if r < 0.5 else SHARED if r < 0.9 else other
        sentence = rng.choice(pool)
        if sentence not in sentences:
            sentences.append(sentence)
    lines.append(" ".join(sentences[:3]))
    if len(sentences) > 3:
        lines.append("")
        lines.append(" ".join(sentences[3:]))
    lines.append("")
    lines.append(rng.choice(CLOSINGS[label]))
    return lines


def make_post(rng: random.Random, label: int) -> str:
    user, name = _person(rng)
    domain, organization = rng.choice(SITES)
    subject = rng.choice(SUBJECTS[label])
    if rng.random() < 0.4:
        subject = "Re: " + subject
    body = _body(rng, label)
    header = [f"From: {user}@{domain} ({name})", f"Subject: {subject}", f"Organization: {organization}",
              f"Lines: {len(body)}"]
    if rng.random() < POSTING_HOST_RATE[label]:
        header.append(f"NNTP-Posting-Host: {rng.choice(HOSTS)}.{domain}")
    return "\n".join(header) + "\n\n" + "\n".join(body) + "\n"


def make_subset(rng: random.Random, counts: dict) -> dict:
    target = [label for label, n in counts.items() for _ in range(n)]
    rng.shuffle(target)
    return {"data": [make_post(rng, label) for label in target], "target": target}


def main() -> None:
    rng = random.Random(20160812)
    corpus = {
        "description": "Synthetic stand-in for 20 newsgroups alt.atheism vs soc.religion.christian, written for "
                       "lime-widget (see make_offline_newsgroups.py).",
        "target_names": TARGET_NAMES,
        "train": make_subset(rng, N_TRAIN),
        "test": make_subset(rng, N_TEST),
    }
    out = Path(__file__).with_name("newsgroups_offline.json.gz")
    # mtime=0: the same bytes on every run
    with open(out, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as fh:
        fh.write(json.dumps(corpus, indent=0).encode("utf8"))
    print(f"wrote {out.name}: {len(corpus['train']['data'])} train, {len(corpus['test']['data'])} test posts")


if __name__ == "__main__":
    main()
