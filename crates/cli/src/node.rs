//! `--node`: the inputs are one node's configuration, and each file is judged with the kubelet
//! settings of the others. Two passes over the inputs, each on every core: the first keeps only
//! each file's kubelet feature-gate settings (its text is dropped as soon as they are taken),
//! the second reads each file again, judges it, and hands it on in order. What is held at once
//! is the settings (at most [`MAX_NODE_SETTINGS`]) and the few files in flight, whatever the
//! number or size of the files.

use crate::discover::{plain, Input};
use crate::input::read_wanted as read;
use crate::lint::{Linted, Linter};
use crate::parallel::par_for_each_ordered;
use gatecheck_lint::Setting;

/// The most kubelet feature-gate settings `--node` merges across its inputs. One node's
/// configuration sets a few dozen; past this bound no file is judged, and each says why.
pub const MAX_NODE_SETTINGS: usize = 10_000;

impl Linter<'_> {
    /// --node: lints each file with the other files' kubelet settings, handing the outcomes to
    /// `emit` in the inputs' order.
    pub(crate) fn node<E: Send>(
        &self,
        batch: &[Input],
        mut emit: impl FnMut(usize, Linted) -> Result<(), E> + Send,
    ) -> Result<(), E> {
        let Some(kubelet) = self.kubelet_settings(batch) else {
            for i in 0..batch.len() {
                emit(i, Err(plain(too_many())))?;
            }
            return Ok(());
        };
        let items: Vec<usize> = (0..batch.len()).collect();
        par_for_each_ordered(
            &items,
            |&i| {
                let input = &batch[i];
                let src = read(input)?;
                let mut options = self.options(input, &src);
                options.node = kubelet
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| *j != i)
                    .flat_map(|(_, k)| k.iter().cloned())
                    .collect();
                let report = self.lint(input, &src, &options);
                Ok((self.keep_text(src), report))
            },
            emit,
        )
    }

    /// Each file's kubelet settings, in the inputs' order (none for a file that cannot be read),
    /// or `None` when they come to more than [`MAX_NODE_SETTINGS`]: the work stops there.
    fn kubelet_settings(&self, batch: &[Input]) -> Option<Vec<Vec<Setting>>> {
        let mut kept = Vec::with_capacity(batch.len());
        let mut total = 0usize;
        par_for_each_ordered(
            batch,
            |input| {
                let Ok(src) = read(input) else {
                    return Vec::new();
                };
                let options = self.options(input, &src);
                gatecheck_lint::kubelet_settings(&input.name, &src, &options).unwrap_or_default()
            },
            |_, settings: Vec<Setting>| {
                total += settings.len();
                if total > MAX_NODE_SETTINGS {
                    return Err(());
                }
                kept.push(settings);
                Ok(())
            },
        )
        .ok()?;
        Some(kept)
    }
}

fn too_many() -> String {
    format!("not judged: the inputs set more than {MAX_NODE_SETTINGS} kubelet feature gates, the most --node merges (one node's configuration sets a few dozen)")
}
