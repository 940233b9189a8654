import type { Random } from "./random.js";

// Fictional people: common first and last names, example.* domains (RFC 2606) and the 555-01xx
// telephone range reserved for fiction, so the sample's PII is realistic in shape but belongs
// to nobody.
const FIRST_NAMES = [
  "Maria",
  "James",
  "Aisha",
  "Wei",
  "Olga",
  "Carlos",
  "Priya",
  "John",
  "Fatima",
  "Liam",
  "Sofia",
  "Noah",
  "Yuki",
  "Ahmed",
  "Elena",
  "David",
  "Chloe",
  "Mateo",
  "Hannah",
  "Kwame",
  "Ines",
  "Lukas",
  "Mei",
  "Omar",
  "Grace",
  "Pavel",
  "Zara",
  "Ethan",
  "Amara",
  "Jonas"
];
const LAST_NAMES = [
  "Lopez",
  "Smith",
  "Khan",
  "Zhang",
  "Ivanova",
  "Garcia",
  "Patel",
  "Brown",
  "Haddad",
  "Murphy",
  "Rossi",
  "Miller",
  "Tanaka",
  "Hassan",
  "Novak",
  "Wilson",
  "Martin",
  "Silva",
  "Schmidt",
  "Mensah",
  "Costa",
  "Weber",
  "Chen",
  "Farouk",
  "Taylor",
  "Horvat",
  "Ali",
  "Clarke",
  "Okafor",
  "Berg"
];
const COMPANY_WORDS = [
  "Alder",
  "Birch",
  "Cedar",
  "Delta",
  "Ember",
  "Falcon",
  "Granite",
  "Harbor",
  "Iris",
  "Juniper",
  "Kestrel",
  "Lumen",
  "Maple",
  "Nimbus",
  "Orchid",
  "Pioneer",
  "Quartz",
  "Raven",
  "Summit",
  "Tidal"
];
const COMPANY_KINDS = ["Labs", "Logistics", "Foods", "Clinic", "Studio", "Builders", "Retail", "Systems"];

export interface Person {
  name: string;
  email: string;
  phone: string;
}

export function fakePerson(random: Random): Person {
  const first = random.pick(FIRST_NAMES);
  const last = random.pick(LAST_NAMES);
  const company = `${random.pick(COMPANY_WORDS)}${random.pick(COMPANY_KINDS)}`.toLowerCase();
  return {
    name: `${first} ${last}`,
    email: `${first}.${last}@${company}.example`.toLowerCase(),
    phone: fakePhone(random)
  };
}

export function fakePhone(random: Random): string {
  const area = 200 + random.int(700);
  return `+1 ${area}-555-01${String(random.int(100)).padStart(2, "0")}`;
}

const PRAISE = [
  "Great products, they just work.",
  "Reliable supplier, deliveries arrive as promised.",
  "The account team knows our business.",
  "Quality is consistently high.",
  "Support solved our issue the same day."
];
const COMPLAINTS = [
  "Prices went up again this year.",
  "Hard to reach anyone in customer service.",
  "Invoices are confusing, too many fees.",
  "Delivery was late twice this quarter.",
  "Competitors offer better payment terms."
];
const NEUTRAL = ["No strong opinion.", "Fine overall.", "Does the job.", "Average experience, nothing special."];

/**
 * A free-text survey comment whose tone follows satisfaction (1-10). With `withPii` it names
 * a person or leaves an email address or phone number, as real comments do.
 */
export function fakeComment(random: Random, satisfaction: number, withPii: boolean): string {
  const pool = satisfaction >= 8 ? PRAISE : satisfaction <= 5 ? COMPLAINTS : NEUTRAL;
  let text = random.pick(pool);
  if (withPii) {
    const person = fakePerson(random);
    const kind = random.int(3);
    text +=
      kind === 0
        ? ` Please call me back on ${person.phone}.`
        : kind === 1
          ? ` You can reach me at ${person.email}.`
          : ` Thanks to ${person.name} for the help.`;
  }
  return text;
}
