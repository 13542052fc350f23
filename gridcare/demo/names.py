"""Names, phone numbers and ids that look like each country's customers (all invented)."""

from __future__ import annotations

import random
from dataclasses import dataclass


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


BASOTHO_FIRST = _words(
    "Lerato Palesa Thabo Mpho Tsepo Lineo Refiloe Teboho Nthabiseng Karabo Puleng Mosa Relebohile"
    " Limpho Tumelo Retselisitsoe Mamello Bokang Lisebo Motlatsi Khotso Tlali Ntsoaki Keketso"
    " Mathabo Thato Lebohang Rethabile Sello Nkhono Masechaba Mahlomola Makhotso Nteboheng"
    " Tankiso Tsiu Mofokeng Itumeleng Litsietsi Maleshoane Matseliso Seabata Tau Nthati Lipuo"
    " Mamosa Hlompho Kananelo Reitumetse Mamokete Moeketsi Tšepang Likeleli Rorisang 'Mamotsamai"
)
BASOTHO_LAST = _words(
    "Mokoena Mofokeng Mohapi Letsie Moshoeshoe Lerotholi Ramakoae Sekhesa Mokhele Thamae"
    " Makhetha Nthako Ralitsie Mphuthing Ramokoatsi Molapo Mahao Sekoati Lebona Mothibeli"
    " Phakoe Matete Tšosane Ntšekhe Khoele Majoro Sello Mosothoane Monyane Rantšo Makara"
    " Seeiso Khaketla Matsoso Mokhothu Ramoholi Lesoli Motanyane Pitso Nkuebe Tlhomola Ralejoe"
    " Mokete Thabane Lekhanya Mathaba Seholoholo Nyakane Mapetla"
)
BENIN_FIRST = _words(
    "Koffi Kossi Codjo Comlan Dossou Sèna Afiavi Akouavi Ablawa Houénou Florentin Bienvenu"
    " Rodrigue Arnaud Gildas Ghislain Romaric Pélagie Félicité Rosine Clarisse Bernadette"
    " Honorine Mathias Innocent Prosper Aïcha Rachida Moussa Issa Yacoubou Chabi Bio Sabi"
    " Orou Gounou Adjara Mariam Gisèle Estelle"
)
BENIN_LAST = _words(
    "Houngbédji Agossou Ahouandjinou Dossou-Yovo Gbaguidi Hounkpatin Kpadonou Zinsou Tossou"
    " Adjovi Sossou Akplogan Houessou Djossou Ahouansou Kiki Dansou Avocètien Chabi Sabi Orou"
    " Bio Gado Yarou Boni Sanni Alassane Idrissou Zountchémè Azonhiho"
)

LS_BUSINESSES = ("General Dealer", "Café", "Butchery", "Hair Salon", "Tuck Shop", "Welding")
LS_INSTITUTIONS = ("Primary School", "Health Centre", "Clinic", "Church", "Police Post", "Council")
BN_BUSINESSES = ("Boutique", "Buvette", "Moulin", "Atelier de couture", "Quincaillerie", "Maquis")
BN_INSTITUTIONS = ("École primaire", "Centre de santé", "Église", "Mosquée", "Mairie", "CEG")


@dataclass(frozen=True)
class Person:
    first_name: str
    last_name: str


@dataclass(frozen=True)
class NameBook:
    """What a country's demo customers are called and how their phones and ids look."""

    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    businesses: tuple[str, ...]
    institutions: tuple[str, ...]
    french: bool

    def person(self, rng: random.Random) -> Person:
        return Person(rng.choice(self.first_names), rng.choice(self.last_names))

    def business(self, rng: random.Random) -> str:
        kind, owner = rng.choice(self.businesses), rng.choice(self.last_names)
        return f"{kind} {owner}" if self.french else f"{owner} {kind}"

    def institution(self, rng: random.Random, place: str) -> str:
        kind = rng.choice(self.institutions)
        return f"{kind} de {place}" if self.french else f"{place} {kind}"


NAME_BOOKS: dict[str, NameBook] = {
    "LS": NameBook(BASOTHO_FIRST, BASOTHO_LAST, LS_BUSINESSES, LS_INSTITUTIONS, french=False),
    "BN": NameBook(BENIN_FIRST, BENIN_LAST, BN_BUSINESSES, BN_INSTITUTIONS, french=True),
}


def phone_number(country_code: str, rng: random.Random) -> str:
    """International digits as the API stores them: `26658123456`, `2290197123456`."""
    if country_code == "BN":
        return "22901" + rng.choice("456965") + "".join(rng.choices("0123456789", k=7))
    if country_code == "ZM":
        return "260" + rng.choice(("95", "96", "97", "76", "77")) + _digits(rng, 7)
    return "266" + rng.choice("56") + _digits(rng, 7)


def national_id(country_code: str, rng: random.Random) -> str:
    if country_code == "BN":
        return _digits(rng, 10)  # NPI, the personal identification number
    return "0" + _digits(rng, 11)


def _digits(rng: random.Random, count: int) -> str:
    return "".join(rng.choices("0123456789", k=count))
