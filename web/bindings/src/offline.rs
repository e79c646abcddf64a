//! What was last opened, kept sealed for reading offline: the app seals the view it showed
//! under this device's key (as the state) and stores only that ciphertext; offline, after an
//! unlock on this device, it opens it again. Nothing is kept in the clear.

use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

use crate::{Failure, Rugzak};

#[wasm_bindgen]
impl Rugzak {
    /// `text` encrypted under this device's key (age), for IndexedDB.
    #[wasm_bindgen(js_name = sealText)]
    pub fn seal_text(&self, text: &str) -> Result<Vec<u8>, JsValue> {
        let guard = self.inner.borrow();
        let s = guard.as_ref().ok_or_else(|| Failure::code("in_progress"))?;
        Ok(
            age::encrypt(&s.device_identity()?.to_public(), text.as_bytes())
                .map_err(|_| Failure::code("internal"))?,
        )
    }

    /// Opens what [`Self::seal_text`] sealed on this device.
    #[wasm_bindgen(js_name = openSealed)]
    pub fn open_sealed(&self, sealed: &[u8]) -> Result<String, JsValue> {
        let guard = self.inner.borrow();
        let s = guard.as_ref().ok_or_else(|| Failure::code("in_progress"))?;
        let plain = Zeroizing::new(
            age::decrypt(&s.device_identity()?, sealed)
                .map_err(|_| Failure::code("keystore_damaged"))?,
        );
        Ok(String::from_utf8(plain.to_vec()).map_err(|_| Failure::code("keystore_damaged"))?)
    }
}
