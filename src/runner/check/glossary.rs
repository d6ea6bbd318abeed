//! The step glossary as a matcher: each phrase of `mhhs-qual steps` compiled as cucumber
//! compiles it, except that typed parameters match any word here, so that a value that does
//! not fit (`PUB-02`, `[GainMPNInfo]`) is reported as a bad value of its parameter, with the
//! allowed values, rather than as an undefined step.

use std::collections::HashMap;

use cucumber::codegen::Expression;
use cucumber::gherkin::StepType;
use regex::Regex;

use super::values::Values;
use crate::steps::Entry;

/// Parameters whose values are matched as any word and then judged by [`Values`]; the others
/// keep cucumber's own patterns. `{string}` is written without capture groups of its own, so
/// that each parameter is one group.
const LOOSE: &[(&str, &str)] = &[
    ("interface", r"\S+"),
    ("publication", r"\S+"),
    ("event", r"\S+"),
    ("role", r"\S+"),
    ("code", r"\S+"),
    ("segment", r"\S+"),
    ("int", r"\S+"),
    ("string", r#""[^"]*"|'[^']*'"#),
];

/// The parameter types cucumber itself knows.
const BUILTIN: [&str; 5] = ["int", "float", "word", "string", ""];

/// One phrase of the glossary.
#[derive(Debug, Clone)]
pub struct Phrase {
    /// Where it is listed.
    pub entry: Entry,
    pub ty: StepType,
    /// The phrase without its keyword: `a(n) {segment} MPAN`.
    pub text: &'static str,
    /// Its parameters' names, in order.
    pub params: Vec<String>,
    loose: Regex,
    /// The phrase as plain words, for edit distances: `an {segment} MPAN`.
    plain: String,
}

impl Phrase {
    /// The phrase with its keyword, as the glossary lists it.
    pub fn full(&self) -> &'static str {
        self.entry.text
    }

    /// Whether the phrase prompts the system (CONTRACT-ROLES.md §6.7): the one place that
    /// decides it. A prompt step is a `Given` or `When` that says so (`When the system is
    /// prompted to install a meter on the MPAN`), so that `@prompted` can be checked against
    /// the steps; a `Then` that mentions a prompt (`... with the prompt's values`) checks
    /// what follows one.
    pub fn prompts(&self) -> bool {
        self.ty != StepType::Then
            && self.text.split(|c: char| !c.is_alphanumeric()).any(|w| {
                ["prompt", "prompts", "prompted"]
                    .iter()
                    .any(|p| w.eq_ignore_ascii_case(p))
            })
    }
}

/// What a step is in the glossary's eyes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// One phrase matches; `problems` are its parameters' bad values (each with its value).
    Defined {
        phrase: usize,
        problems: Vec<(String, String)>,
    },
    /// Several phrases match with good values.
    Ambiguous(Vec<usize>),
    /// No phrase matches; the closest phrasings, best first.
    Undefined { closest: Vec<usize> },
}

/// The glossary's phrases.
#[derive(Debug, Clone)]
pub struct Glossary {
    pub phrases: Vec<Phrase>,
    /// Each custom parameter's own pattern, whole-value.
    strict: HashMap<String, Regex>,
}

impl Glossary {
    /// The shipped glossary (`mhhs-qual steps`).
    pub fn shipped() -> Result<Self, String> {
        Self::new(&crate::steps::entries(), crate::steps::PARAMETERS)
    }

    /// A glossary of these entries, with these custom parameters (name, pattern).
    pub fn new(entries: &[Entry], parameters: &[(&str, &str)]) -> Result<Self, String> {
        let loose: HashMap<String, String> = LOOSE
            .iter()
            .map(|(n, r)| ((*n).to_owned(), (*r).to_owned()))
            .chain(
                parameters
                    .iter()
                    .filter(|(n, _)| !LOOSE.iter().any(|(l, _)| l == n))
                    .map(|(n, r)| ((*n).to_owned(), format!("(?:{r})"))),
            )
            .collect();
        let mut strict = HashMap::new();
        for (name, re) in parameters {
            let whole = Regex::new(&format!("^(?:{re})$"))
                .map_err(|e| format!("parameter {{{name}}}: {e}"))?;
            strict.insert((*name).to_owned(), whole);
        }
        let mut phrases = Vec::new();
        for e in entries.iter().filter(|e| !e.is_parameter()) {
            let (ty, text) = split_keyword(e.text).ok_or_else(|| {
                format!("{}:{}: {:?} starts with no keyword", e.file, e.line, e.text)
            })?;
            let params = parameter_names(text);
            // A parameter type not listed in steps::PARAMETERS (a test says so) still
            // matches, as any text.
            let mut loose = loose.clone();
            for name in &params {
                if !loose.contains_key(name) && !BUILTIN.contains(&name.as_str()) {
                    loose.insert(name.clone(), ".+?".to_owned());
                }
            }
            let compiled = Expression::regex_with_parameters(text, &loose)
                .map_err(|err| format!("{}:{}: {:?}: {err}", e.file, e.line, e.text))?;
            let loose_re = Regex::new(compiled.as_str()).map_err(|err| err.to_string())?;
            if loose_re.captures_len() != params.len() + 1 {
                return Err(format!(
                    "{}:{}: {:?}: a parameter's pattern has groups of its own",
                    e.file, e.line, e.text
                ));
            }
            phrases.push(Phrase {
                entry: *e,
                ty,
                text,
                params,
                loose: loose_re,
                plain: plain(text),
            });
        }
        Ok(Self { phrases, strict })
    }

    /// The phrase a step of this type and text is, judging its parameters' values.
    pub fn lookup(&self, ty: StepType, text: &str, values: &Values) -> Lookup {
        let mut candidates: Vec<(usize, Vec<(String, String)>)> = Vec::new();
        for (i, p) in self.phrases.iter().enumerate().filter(|(_, p)| p.ty == ty) {
            let Some(caps) = p.loose.captures(text) else {
                continue;
            };
            let found: Vec<(String, String)> = p
                .params
                .iter()
                .zip(caps.iter().skip(1))
                .map(|(name, m)| (name.clone(), m.map_or("", |m| m.as_str()).to_owned()))
                .collect();
            let mut problems = Vec::new();
            for (name, value) in &found {
                if value.contains('<') && value.contains('>') {
                    continue; // a placeholder of an outline without examples
                }
                let problem = values.judge(name, value, &found).or_else(|| {
                    self.strict
                        .get(name)
                        .filter(|re| !re.is_match(value))
                        .map(|re| {
                            format!(
                                "{value:?} does not fit {{{name}}} (pattern {})",
                                re.as_str()
                                    .trim_start_matches("^(?:")
                                    .trim_end_matches(")$")
                            )
                        })
                });
                if let Some(problem) = problem {
                    problems.push((value.clone(), problem));
                }
            }
            candidates.push((i, problems));
        }
        let good: Vec<usize> = candidates
            .iter()
            .filter(|(_, p)| p.is_empty())
            .map(|(i, _)| *i)
            .collect();
        match good.len() {
            1 => Lookup::Defined {
                phrase: good[0],
                problems: Vec::new(),
            },
            n if n > 1 => Lookup::Ambiguous(good),
            _ => match candidates.into_iter().min_by_key(|(_, p)| p.len()) {
                Some((phrase, problems)) => Lookup::Defined { phrase, problems },
                None => Lookup::Undefined {
                    closest: self.closest(ty, text, 3),
                },
            },
        }
    }

    /// The `n` phrases closest to a step, by edit distance over plain words, values that fit
    /// a parameter's pattern counted as that parameter; a phrase of another keyword counts
    /// two edits more.
    pub fn closest(&self, ty: StepType, text: &str, n: usize) -> Vec<usize> {
        let words: Vec<String> = text
            .split_whitespace()
            .map(|w| {
                self.strict
                    .iter()
                    .filter(|(_, re)| re.is_match(w))
                    .map(|(name, _)| format!("{{{name}}}"))
                    .min()
                    .unwrap_or_else(|| w.to_owned())
            })
            .collect();
        let step = words.join(" ");
        let mut scored: Vec<(usize, usize)> = self
            .phrases
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let d = strsim::levenshtein(&step, &p.plain) + if p.ty == ty { 0 } else { 2 };
                (d, i)
            })
            .collect();
        scored.sort_unstable();
        scored.into_iter().take(n).map(|(_, i)| i).collect()
    }
}

/// `Given a smart MPAN` → (Given, `a smart MPAN`).
fn split_keyword(text: &str) -> Option<(StepType, &str)> {
    let (keyword, rest) = text.split_once(' ')?;
    let ty = match keyword {
        "Given" => StepType::Given,
        "When" => StepType::When,
        "Then" => StepType::Then,
        _ => return None,
    };
    Some((ty, rest))
}

/// The names of a Cucumber Expression's parameters, in order (`{}` is the empty name).
fn parameter_names(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '{' => out.push(chars.by_ref().take_while(|c| *c != '}').collect()),
            _ => {}
        }
    }
    out
}

/// A Cucumber Expression as plain words: optional text kept, of each alternation the first.
fn plain(text: &str) -> String {
    text.split(' ')
        .map(|word| {
            let first = word.split('/').next().unwrap_or(word);
            first.replace(['(', ')', '\\'], "")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(text: &'static str) -> Entry {
        Entry {
            module: "test",
            file: "steps/test.rs",
            line: 1,
            text,
        }
    }

    #[test]
    fn every_shipped_phrase_compiles_and_names_its_parameters() {
        let g = Glossary::shipped().unwrap();
        assert!(g.phrases.len() > 30);
        let p = &g.phrases[0];
        assert_eq!(p.full(), "Given a(n) {segment} MPAN");
        assert_eq!(p.params, ["segment"]);
        assert_eq!(p.plain, "an {segment} MPAN");
        let prompts: Vec<&str> = g
            .phrases
            .iter()
            .filter(|p| p.prompts())
            .map(Phrase::full)
            .collect();
        assert!(
            prompts.contains(&"When the system is prompted to install a meter on the MPAN"),
            "{prompts:?}"
        );
        assert!(
            prompts.iter().all(|p| !p.starts_with("Then")),
            "{prompts:?}"
        );
    }

    /// The glossary is what cucumber runs: each phrase, compiled as the step macros compile
    /// their expressions, is the pattern of exactly one registered step of its keyword.
    #[test]
    fn the_glossary_lists_exactly_the_registered_steps() {
        use cucumber::codegen::{StepConstructor as _, WorldInventory, inventory};

        use crate::steps::QualWorld;
        type W = QualWorld;
        let mut registered: Vec<(String, String)> = Vec::new();
        let mut add = |ty: &str, inner: (cucumber::step::Location, fn() -> Regex, _)| {
            let (location, regex, _) = inner;
            registered.push((
                format!("{ty} {}", regex().as_str()),
                format!("{}:{}", location.path, location.line),
            ));
        };
        for s in inventory::iter::<<W as WorldInventory>::Given> {
            add("Given", s.inner());
        }
        for s in inventory::iter::<<W as WorldInventory>::When> {
            add("When", s.inner());
        }
        for s in inventory::iter::<<W as WorldInventory>::Then> {
            add("Then", s.inner());
        }
        let strict: HashMap<&str, &str> = crate::steps::PARAMETERS.iter().copied().collect();
        let mut listed: Vec<String> = Vec::new();
        for e in crate::steps::entries().iter().filter(|e| !e.is_parameter()) {
            let (keyword, text) = e.text.split_once(' ').unwrap();
            let re = Expression::regex_with_parameters(text, &strict)
                .unwrap_or_else(|err| panic!("{}:{}: {err}", e.file, e.line));
            listed.push(format!("{keyword} {}", re.as_str()));
        }
        let mut patterns: Vec<&String> = registered.iter().map(|(p, _)| p).collect();
        patterns.sort();
        listed.sort();
        let unlisted: Vec<&(String, String)> = registered
            .iter()
            .filter(|(p, _)| !listed.contains(p))
            .collect();
        assert!(
            unlisted.is_empty(),
            "steps missing from the glossary (add each phrase to its module's //! list, with a custom parameter in steps::PARAMETERS): {unlisted:#?}"
        );
        let undefined: Vec<&String> = listed.iter().filter(|p| !patterns.contains(p)).collect();
        assert!(
            undefined.is_empty(),
            "glossary phrases no step defines: {undefined:#?}"
        );
        assert_eq!(patterns.len(), listed.len(), "a phrase listed twice");
    }

    #[test]
    fn a_phrase_that_says_prompt_is_a_prompt_step() {
        let g = Glossary::new(
            &[
                entry("When the harness prompts the system to {word} for the MPAN"),
                entry("Then the prompted-for thing arrives"),
                entry("Then it has the prompt's values"),
            ],
            &[],
        )
        .unwrap();
        assert!(g.phrases[0].prompts());
        assert!(!g.phrases[1].prompts());
        assert!(!g.phrases[2].prompts());
    }

    #[test]
    fn phrases_match_by_keyword_and_judge_values() {
        let g = Glossary::shipped().unwrap();
        let v = Values::shipped();
        let at = |text: &str| g.phrases.iter().position(|p| p.full() == text).unwrap();
        assert_eq!(
            g.lookup(StepType::Given, "a smart MPAN", &v),
            Lookup::Defined {
                phrase: at("Given a(n) {segment} MPAN"),
                problems: vec![]
            }
        );
        let Lookup::Defined { phrase, problems } = g.lookup(StepType::Given, "a smrt MPAN", &v)
        else {
            panic!("a bad value is still the phrase")
        };
        assert_eq!(phrase, at("Given a(n) {segment} MPAN"));
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].0, "smrt");
        // The same words under another keyword are not defined.
        let Lookup::Undefined { closest } = g.lookup(StepType::Then, "a smart MPAN", &v) else {
            panic!("Then a smart MPAN is no phrase")
        };
        assert_eq!(closest[0], at("Given a(n) {segment} MPAN"));
    }
}
