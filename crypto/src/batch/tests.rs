use super::*;
use crate::encoding::sha256;
use rand_core::OsRng;

/// RFC 6962 §2.1 MTH, written directly from the definition, to check the level-by-level tree.
fn reference_root(leaves: &[Digest]) -> Digest {
    if leaves.len() == 1 {
        return leaves[0];
    }
    let k = leaves.len().next_power_of_two() / 2;
    node_hash(&reference_root(&leaves[..k]), &reference_root(&leaves[k..]))
}

/// RFC 6962 §2.1.1 PATH(m, D[n]), from the definition.
fn reference_path(m: usize, leaves: &[Digest]) -> Vec<Digest> {
    if leaves.len() == 1 {
        return Vec::new();
    }
    let k = leaves.len().next_power_of_two() / 2;
    if m < k {
        let mut path = reference_path(m, &leaves[..k]);
        path.push(reference_root(&leaves[k..]));
        path
    } else {
        let mut path = reference_path(m - k, &leaves[k..]);
        path.push(reference_root(&leaves[..k]));
        path
    }
}

fn leaves(n: usize) -> Vec<Digest> {
    (0..n)
        .map(|i| leaf_hash(&u64::try_from(i).expect("small").to_le_bytes()))
        .collect()
}

fn as_u32(n: usize) -> u32 {
    u32::try_from(n).expect("small")
}

#[test]
fn tree_matches_rfc_6962_definition_for_every_size_up_to_70() {
    for n in 1..=70 {
        let leaves = leaves(n);
        let tree = MerkleTree::from_leaf_hashes(leaves.clone()).expect("non-empty");
        assert_eq!(tree.root(), reference_root(&leaves), "root, n={n}");
        for m in 0..n {
            let path = tree.audit_path(m).expect("in range");
            assert_eq!(path, reference_path(m, &leaves), "path, n={n} m={m}");
            assert_eq!(
                root_from_audit_path(&leaves[m], as_u32(m), as_u32(n), &path),
                Some(tree.root()),
                "verify, n={n} m={m}"
            );
        }
        assert_eq!(tree.audit_path(n), None);
    }
}

#[test]
fn single_leaf_root_is_the_leaf() {
    let leaf = leaf_hash(b"one item");
    let tree = MerkleTree::from_leaf_hashes(vec![leaf]).expect("non-empty");
    assert_eq!(tree.root(), leaf);
    assert_eq!(tree.audit_path(0), Some(Vec::new()));
    assert!(MerkleTree::from_leaf_hashes(Vec::new()).is_none());
}

#[test]
fn any_changed_path_element_index_or_length_fails() {
    for n in [2usize, 3, 7, 8, 13, 100] {
        let leaves = leaves(n);
        let tree = MerkleTree::from_leaf_hashes(leaves.clone()).expect("non-empty");
        let root = Some(tree.root());
        for m in 0..n {
            let path = tree.audit_path(m).expect("in range");
            for j in 0..path.len() {
                let mut bad = path.clone();
                let mut bytes = *bad[j].as_bytes();
                bytes[j % 32] ^= 1;
                bad[j] = Digest::from_bytes(bytes);
                assert_ne!(
                    root_from_audit_path(&leaves[m], as_u32(m), as_u32(n), &bad),
                    root
                );
            }
            for other in [m.wrapping_sub(1), m + 1] {
                if other < n {
                    assert_ne!(
                        root_from_audit_path(&leaves[m], as_u32(other), as_u32(n), &path),
                        root
                    );
                }
            }
            if !path.is_empty() {
                assert_ne!(
                    root_from_audit_path(&leaves[m], as_u32(m), as_u32(n), &path[1..]),
                    root
                );
            }
            let mut longer = path.clone();
            longer.push(leaves[0]);
            assert_eq!(
                root_from_audit_path(&leaves[m], as_u32(m), as_u32(n), &longer),
                None
            );
        }
        assert_eq!(
            root_from_audit_path(&leaves[0], as_u32(n), as_u32(n), &[]),
            None
        );
    }
}

fn digests(n: usize) -> Vec<Digest> {
    (0..n).map(|i| sha256(&i.to_le_bytes())).collect()
}

#[test]
fn signed_batch_verifies_every_item_and_rejects_an_empty_batch() {
    let author = Identity::generate(&mut OsRng);
    let vault = VaultId::random(&mut OsRng);
    let items = digests(37);
    let attestations = sign_batch(&author, vault, &items).expect("sign");
    assert_eq!(attestations.len(), 37);
    let mut verifier = AuthorshipVerifier::new();
    for (digest, att) in items.iter().zip(&attestations) {
        assert_eq!(att.count, 37);
        verifier
            .verify(vault, &author.public(), digest, att)
            .expect("verifies");
    }
    assert_eq!(
        sign_batch(&author, vault, &[]).expect_err("empty"),
        SignBatchError::Empty
    );
}

#[test]
fn batch_of_one_has_the_leaf_as_root_and_an_empty_path() {
    let author = Identity::generate(&mut OsRng);
    let vault = VaultId::random(&mut OsRng);
    let item = sha256(b"single");
    let att = sign_batch(&author, vault, &[item]).expect("sign").remove(0);
    assert_eq!(att.root, leaf_hash(item.as_bytes()));
    assert!(att.path.is_empty());
    AuthorshipVerifier::new()
        .verify(vault, &author.public(), &item, &att)
        .expect("verifies");
}

#[test]
fn another_author_vault_or_item_is_rejected_even_with_a_warm_cache() {
    let author = Identity::generate(&mut OsRng);
    let other = Identity::generate(&mut OsRng);
    let vault = VaultId::random(&mut OsRng);
    let items = digests(5);
    let atts = sign_batch(&author, vault, &items).expect("sign");
    let mut verifier = AuthorshipVerifier::new();
    verifier
        .verify(vault, &author.public(), &items[0], &atts[0])
        .expect("warm the cache");

    // Claimed by someone else: the statement names other keys, the signature does not match.
    assert_eq!(
        verifier.verify(vault, &other.public(), &items[1], &atts[1]),
        Err(VerifyAuthorshipError::BadSignature)
    );
    // Moved to another vault.
    assert_eq!(
        verifier.verify(
            VaultId::random(&mut OsRng),
            &author.public(),
            &items[1],
            &atts[1]
        ),
        Err(VerifyAuthorshipError::BadSignature)
    );
    // A different item under a valid attestation.
    assert_eq!(
        verifier.verify(vault, &author.public(), &sha256(b"forged"), &atts[1]),
        Err(VerifyAuthorshipError::PathMismatch)
    );
    // A changed batch size: the root alone does not fix the size (RFC 6962), the signed
    // statement does.
    let mut resized = atts[1].clone();
    resized.count = 6;
    assert!(verifier
        .verify(vault, &author.public(), &items[1], &resized)
        .is_err());
    // An index beyond the batch.
    let mut beyond = atts[1].clone();
    beyond.index = 5;
    assert_eq!(
        verifier.verify(vault, &author.public(), &items[1], &beyond),
        Err(VerifyAuthorshipError::IndexOutOfRange)
    );
}

#[test]
fn a_batch_signed_by_another_author_does_not_verify() {
    let author = Identity::generate(&mut OsRng);
    let forger = Identity::generate(&mut OsRng);
    let vault = VaultId::random(&mut OsRng);
    let items = digests(3);
    // The forger builds the same tree but cannot sign for `author`.
    let mut atts = sign_batch(&forger, vault, &items).expect("sign");
    let att = atts.remove(2);
    assert_eq!(
        AuthorshipVerifier::new().verify(vault, &author.public(), &items[2], &att),
        Err(VerifyAuthorshipError::BadSignature)
    );
}

#[test]
fn a_flipped_signature_bit_is_rejected() {
    let author = Identity::generate(&mut OsRng);
    let vault = VaultId::random(&mut OsRng);
    let items = digests(2);
    let att = sign_batch(&author, vault, &items).expect("sign").remove(0);
    for bit in 0..512 {
        let mut bad = att.clone();
        bad.signature.0[bit / 8] ^= 1 << (bit % 8);
        assert_eq!(
            AuthorshipVerifier::new().verify(vault, &author.public(), &items[0], &bad),
            Err(VerifyAuthorshipError::BadSignature),
            "bit {bit}"
        );
    }
}

#[test]
fn memoized_paths_give_exactly_the_plain_results_in_any_order() {
    use rand_core::RngCore as _;
    let mut memo = PathMemo::default();
    for n in [1usize, 2, 3, 5, 8, 13, 64, 100] {
        let leaves = leaves(n);
        let tree = MerkleTree::from_leaf_hashes(leaves.clone()).expect("non-empty");
        let mut cases: Vec<(usize, u32, Vec<Digest>)> = (0..n)
            .map(|m| (m, as_u32(m), tree.audit_path(m).expect("in range")))
            .collect();
        // In order, then reversed, then with tampered and mismatched inputs in between.
        cases.extend(cases.clone().into_iter().rev());
        for m in 0..n {
            let mut path = tree.audit_path(m).expect("in range");
            if let Some(first) = path.last_mut() {
                *first = leaves[(m + 1) % n];
            }
            cases.push((m, as_u32(m), path.clone()));
            cases.push((
                m,
                as_u32((m + 1) % n),
                tree.audit_path(m).expect("in range"),
            ));
            cases.push((m, as_u32(m), tree.audit_path(m).expect("in range")));
            path.push(leaves[0]);
            cases.push((m, as_u32(m), path));
        }
        for _ in 0..3 * n {
            let m = usize::try_from(OsRng.next_u32()).expect("fits") % n;
            cases.push((m, as_u32(m), tree.audit_path(m).expect("in range")));
        }
        for (leaf, index, path) in cases {
            assert_eq!(
                memo.root(&leaves[leaf], index, as_u32(n), &path),
                root_from_audit_path(&leaves[leaf], index, as_u32(n), &path),
                "n={n} leaf={leaf} index={index}"
            );
        }
    }
}
