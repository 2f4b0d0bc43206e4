// What a Shopify variant's option value looks like: a size, a colour, a measure, a count, a number.
// The roll-up takes a " - " ending made of such values as a variant of the product before it; an
// ending that names a thing ("Star Wars - Mug", "Star Wars - Poster") is part of the product's title.

const SIZES = new Set([
  'xxxs', 'xxs', 'xs', 's', 'm', 'l', 'xl', 'xxl', 'xxxl', 'xxxxl', '2xs', '2xl', '3xl', '4xl', '5xl', '6xl', '1x', '2x', '3x', '4x', '5x',
  'x-small', 'xx-small', 'x-large', 'xx-large', 'xxx-large', 'extra small', 'extra large', 'extra-small', 'extra-large',
  'small', 'medium', 'large', 'one size', 'onesize', 'os', 'o/s', 'petite', 'regular', 'tall', 'short', 'long', 'slim', 'plus',
  's/m', 'm/l', 'l/xl', 'xs/s', 'xl/xxl', 'small/medium', 'medium/large', 'big', 'mini', 'jumbo',
  'single', 'double', 'twin', 'queen', 'king', 'super king', 'kids', 'adult', 'youth', 'toddler', 'infant'
])

const COLOURS = new Set([
  'black', 'white', 'grey', 'gray', 'red', 'blue', 'navy', 'green', 'olive', 'yellow', 'orange', 'pink', 'purple', 'violet', 'brown',
  'beige', 'ivory', 'cream', 'ecru', 'rust', 'tan', 'khaki', 'camel', 'gold', 'silver', 'bronze', 'copper', 'rose', 'coral', 'peach',
  'teal', 'turquoise', 'aqua', 'mint', 'sage', 'maroon', 'burgundy', 'wine', 'plum', 'lilac', 'lavender', 'magenta', 'fuchsia',
  'mustard', 'charcoal', 'indigo', 'denim', 'stone', 'sand', 'taupe', 'chocolate', 'natural', 'nude', 'blush', 'clear', 'transparent',
  'multi', 'multicolor', 'multicolour', 'multicoloured', 'undyed', 'mauve', 'emerald', 'cobalt', 'lime', 'salmon', 'graphite', 'slate'
])
/** Words that qualify a colour ("Light Grey", "Off White", "Heather Navy"). */
const SHADES = new Set(['light', 'dark', 'pale', 'deep', 'bright', 'soft', 'dusty', 'dusky', 'neon', 'pastel', 'heather', 'melange',
  'matte', 'metallic', 'off', 'royal', 'sky', 'baby', 'hot', 'forest', 'army', 'bottle', 'midnight', 'jet', 'true', 'washed'])

const NUMBER = String.raw`\d+(?:[.,]\d+)?`
const UNIT = String.raw`(?:mm|cm|m|in|inch(?:es)?|"|ft|ml|cl|l|ltr|litres?|liters?|fl\.?\s*oz|oz|g|gr|gms?|kg|lbs?|mg|ct|caps(?:ules)?|tabs|tablets|pcs?|pieces?|pk|packs?|count|sheets|rolls|months?|mo|years?|yrs?|y|w|mah|gb|tb)`
const OPTION_SHAPES = [
  new RegExp(`^${NUMBER}$`), // "32", "10.5"
  new RegExp(`^${NUMBER}\\s*${UNIT}$`, 'i'), // "500g", "6.5mm", "12 oz", "2 Pack"
  new RegExp(`^${NUMBER}\\s*[-–]\\s*${NUMBER}\\s*${UNIT}?$`, 'i'), // "3-4", "0-3 Months"
  new RegExp(`^${NUMBER}\\s*[x×]\\s*${NUMBER}(?:\\s*[x×]\\s*${NUMBER})?\\s*${UNIT}?$`, 'i'), // "30x40 cm", "32x34"
  new RegExp(`^(?:size|uk|us|eu|fr|it|jp|au|age|no\\.?|#)\\s*${NUMBER}(?:\\s*[-/]\\s*${NUMBER})?$`, 'i'), // "Size 8", "EU 42", "UK 8-10"
  new RegExp(`^(?:pack|set|box|bundle|case|bag)\\s+of\\s+\\d+$`, 'i'), // "Pack of 3"
  new RegExp(`^\\d+[-\\s]?(?:pack|pk|set|piece|pc|count|ct)s?$`, 'i'), // "3-Pack", "2 pcs"
  /^(?:style|design|pattern|option|version|variant|model|colou?r|shade)\s*(?:\d+|[a-z])$/i, // "Style 1", "Colour B"
  new RegExp(`^\\p{Sc}\\s*${NUMBER}(?:\\s*[A-Z]{3})?$`, 'u'), // gift card amounts: "$25", "$10.00 SGD"
  new RegExp(`^${NUMBER}\\s*(?:\\p{Sc}|[A-Z]{3})$`, 'u') // "25 €", "50 EUR"
]

function isColour (value: string): boolean {
  const words = value.split(/\s*(?:[\s/&-]|\band\b)\s*/).filter(w => w !== '')
  return words.length >= 1 && words.length <= 3 && words.some(w => COLOURS.has(w)) && words.every(w => COLOURS.has(w) || SHADES.has(w))
}

/** True when `value` (one option value, not "A / B") looks like a size, colour, measure, count or number. */
export function looksLikeOptionValue (value: string): boolean {
  const v = value.trim().toLowerCase().replace(/\s+/g, ' ')
  if (v === '') return false
  if (SIZES.has(v) || isColour(v)) return true
  const raw = value.trim()
  return OPTION_SHAPES.some(shape => shape.test(raw))
}
