/*-------------------------------------------------------------------------
 *
 * sha256.c
 *		SHA-256 (FIPS 180-4) and the checksum of a migration.
 *
 * The digest is computed in a stream (init, update, final) over a context
 * on the stack, so the checksum of a migration, SHA-256 of the up text, one
 * NUL byte and the down text, needs no concatenation buffer and cannot fail.
 * Output is always 64 lowercase hex digits and a NUL.
 *
 *-------------------------------------------------------------------------
 */
#include "covet.h"

#include <string.h>

typedef struct Sha256Ctx
{
	uint32_t	h[8];			/* intermediate hash value */
	uint64_t	nbytes;			/* message length so far */
	unsigned char block[64];	/* pending input, fewer than 64 bytes */
	size_t		blen;			/* bytes used in block */
} Sha256Ctx;

static const uint32_t sha256_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5,
	0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
	0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
	0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3,
	0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5,
	0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
};

#define ROTR(x, n)	(((x) >> (n)) | ((x) << (32 - (n))))

static void
sha256_init(Sha256Ctx *ctx)
{
	ctx->h[0] = 0x6a09e667;
	ctx->h[1] = 0xbb67ae85;
	ctx->h[2] = 0x3c6ef372;
	ctx->h[3] = 0xa54ff53a;
	ctx->h[4] = 0x510e527f;
	ctx->h[5] = 0x9b05688c;
	ctx->h[6] = 0x1f83d9ab;
	ctx->h[7] = 0x5be0cd19;
	ctx->nbytes = 0;
	ctx->blen = 0;
}

/* Process one 64-byte block. */
static void
sha256_block(Sha256Ctx *ctx, const unsigned char *p)
{
	uint32_t	w[64];
	uint32_t	a, b, c, d, e, f, g, h;
	int			i;

	for (i = 0; i < 16; i++)
		w[i] = ((uint32_t) p[4 * i] << 24) | ((uint32_t) p[4 * i + 1] << 16) |
			((uint32_t) p[4 * i + 2] << 8) | (uint32_t) p[4 * i + 3];
	for (i = 16; i < 64; i++)
	{
		uint32_t	s0 = ROTR(w[i - 15], 7) ^ ROTR(w[i - 15], 18) ^ (w[i - 15] >> 3);
		uint32_t	s1 = ROTR(w[i - 2], 17) ^ ROTR(w[i - 2], 19) ^ (w[i - 2] >> 10);

		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}

	a = ctx->h[0];
	b = ctx->h[1];
	c = ctx->h[2];
	d = ctx->h[3];
	e = ctx->h[4];
	f = ctx->h[5];
	g = ctx->h[6];
	h = ctx->h[7];

	for (i = 0; i < 64; i++)
	{
		uint32_t	s1 = ROTR(e, 6) ^ ROTR(e, 11) ^ ROTR(e, 25);
		uint32_t	ch = (e & f) ^ (~e & g);
		uint32_t	t1 = h + s1 + ch + sha256_k[i] + w[i];
		uint32_t	s0 = ROTR(a, 2) ^ ROTR(a, 13) ^ ROTR(a, 22);
		uint32_t	maj = (a & b) ^ (a & c) ^ (b & c);
		uint32_t	t2 = s0 + maj;

		h = g;
		g = f;
		f = e;
		e = d + t1;
		d = c;
		c = b;
		b = a;
		a = t1 + t2;
	}

	ctx->h[0] += a;
	ctx->h[1] += b;
	ctx->h[2] += c;
	ctx->h[3] += d;
	ctx->h[4] += e;
	ctx->h[5] += f;
	ctx->h[6] += g;
	ctx->h[7] += h;
}

static void
sha256_update(Sha256Ctx *ctx, const unsigned char *data, size_t len)
{
	ctx->nbytes += len;

	if (ctx->blen > 0)
	{
		size_t		take = 64 - ctx->blen;

		if (take > len)
			take = len;
		memcpy(ctx->block + ctx->blen, data, take);
		ctx->blen += take;
		data += take;
		len -= take;
		if (ctx->blen < 64)
			return;
		sha256_block(ctx, ctx->block);
		ctx->blen = 0;
	}
	while (len >= 64)
	{
		sha256_block(ctx, data);
		data += 64;
		len -= 64;
	}
	if (len > 0)
	{
		memcpy(ctx->block, data, len);
		ctx->blen = len;
	}
}

static void
sha256_final(Sha256Ctx *ctx, char out[COVET_CHECKSUM_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	uint64_t	bits = ctx->nbytes * 8;
	int			i;

	/* Pad: 0x80, zeros up to 56 mod 64, then the bit length big-endian. */
	ctx->block[ctx->blen++] = 0x80;
	if (ctx->blen > 56)
	{
		memset(ctx->block + ctx->blen, 0, 64 - ctx->blen);
		sha256_block(ctx, ctx->block);
		ctx->blen = 0;
	}
	memset(ctx->block + ctx->blen, 0, 56 - ctx->blen);
	for (i = 0; i < 8; i++)
		ctx->block[56 + i] = (unsigned char) (bits >> (56 - 8 * i));
	sha256_block(ctx, ctx->block);

	for (i = 0; i < 32; i++)
	{
		unsigned int byte = (ctx->h[i / 4] >> (24 - 8 * (i % 4))) & 0xff;

		out[2 * i] = hex[byte >> 4];
		out[2 * i + 1] = hex[byte & 0x0f];
	}
	out[COVET_CHECKSUM_LEN] = '\0';
}

void
covet_sha256_hex(const unsigned char *data, size_t len,
				 char out[COVET_CHECKSUM_LEN + 1])
{
	Sha256Ctx	ctx;

	sha256_init(&ctx);
	if (len > 0)
		sha256_update(&ctx, data, len);
	sha256_final(&ctx, out);
}

/*
 * The checksum of a migration.  A missing down section and an empty one
 * hash alike, so "no down" has one checksum however it was spelled.
 */
void
covet_checksum_compute(const char *up, const char *down,
					   char out[COVET_CHECKSUM_LEN + 1])
{
	static const unsigned char nul = 0;
	Sha256Ctx	ctx;

	sha256_init(&ctx);
	if (up != NULL)
		sha256_update(&ctx, (const unsigned char *) up, strlen(up));
	sha256_update(&ctx, &nul, 1);
	if (down != NULL)
		sha256_update(&ctx, (const unsigned char *) down, strlen(down));
	sha256_final(&ctx, out);
}
