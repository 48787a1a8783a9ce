// SCAFFOLD (links feature): the public links of an album or a photo: create, copy, settings, destroy.
export function LinksSection(_props: { target: { readonly kind: 'album'; readonly albumId: string } | { readonly kind: 'file'; readonly fileId: string } }) {
  return null;
}
