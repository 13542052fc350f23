/** English and French strings; Benin defaults to French. */

const en = {
  signIn: "Sign in",
  username: "Username",
  password: "Password",
  country: "Country",
  signOut: "Sign out",
  dashboard: "Dashboard",
  customers: "Customers",
  search: "Search by name, phone, account or national id",
  allSites: "All sites",
  name: "Name",
  phone: "Phone",
  nationalId: "National id",
  site: "Site",
  accounts: "Accounts",
  status: "Status",
  active: "Active",
  inactive: "Inactive",
  previous: "Previous",
  next: "Next",
  page: "Page",
  of: "of",
  meters: "Meters",
  role: "Role",
  platform: "Platform",
  promote: "Make primary",
  save: "Save",
  edit: "Edit",
  cancel: "Cancel",
  details: "Details",
  loading: "Loading…",
  noResults: "No customers match.",
  customerCount: "Customers",
  activeCustomers: "Active customers",
  sites: "Sites",
  tariff: "Default tariff",
  firstName: "First name",
  lastName: "Last name",
  customerType: "Customer type",
  saved: "Saved",
};

type Strings = typeof en;

const fr: Strings = {
  signIn: "Se connecter",
  username: "Identifiant",
  password: "Mot de passe",
  country: "Pays",
  signOut: "Se déconnecter",
  dashboard: "Tableau de bord",
  customers: "Clients",
  search: "Rechercher par nom, téléphone, compte ou pièce d'identité",
  allSites: "Tous les sites",
  name: "Nom",
  phone: "Téléphone",
  nationalId: "Pièce d'identité",
  site: "Site",
  accounts: "Comptes",
  status: "Statut",
  active: "Actif",
  inactive: "Inactif",
  previous: "Précédent",
  next: "Suivant",
  page: "Page",
  of: "sur",
  meters: "Compteurs",
  role: "Rôle",
  platform: "Plateforme",
  promote: "Rendre principal",
  save: "Enregistrer",
  edit: "Modifier",
  cancel: "Annuler",
  details: "Détails",
  loading: "Chargement…",
  noResults: "Aucun client ne correspond.",
  customerCount: "Clients",
  activeCustomers: "Clients actifs",
  sites: "Sites",
  tariff: "Tarif par défaut",
  firstName: "Prénom",
  lastName: "Nom",
  customerType: "Type de client",
  saved: "Enregistré",
};

export type Language = "en" | "fr";

export function languageFor(locale: string | undefined): Language {
  return locale?.startsWith("fr") ? "fr" : "en";
}

export function strings(language: Language): Strings {
  return language === "fr" ? fr : en;
}

export type { Strings };
