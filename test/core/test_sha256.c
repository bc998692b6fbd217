/*-------------------------------------------------------------------------
 *
 * test_sha256.c
 *		SHA-256 against FIPS 180-4 / NIST vectors, and migration checksums.
 *
 * Expected digests were computed independently with Python's hashlib.
 *
 *-------------------------------------------------------------------------
 */
#include "tap.h"

#include <stdlib.h>
#include <string.h>

static void
check_hex(const char *msg, size_t len, const char *expected, const char *what)
{
	char		out[COVET_CHECKSUM_LEN + 1];

	covet_sha256_hex((const unsigned char *) msg, len, out);
	is_str(out, expected, "sha256 of %s", what);
}

int
main(void)
{
	char		out[COVET_CHECKSUM_LEN + 1];
	char		out2[COVET_CHECKSUM_LEN + 1];
	char	   *big;
	char		buf[200 + 1 + 130]; /* up, a NUL, down (at most 199 and 129) */
	bool		stream_ok = true;
	size_t		i;

	plan(16);

	check_hex("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
			  "the empty string");
	check_hex("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
			  "\"abc\"");
	check_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56,
			  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
			  "the 448-bit message");
	check_hex("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
			  "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu", 112,
			  "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1",
			  "the 896-bit message");

	big = malloc(1000000);
	memset(big, 'a', 1000000);
	check_hex(big, 1000000,
			  "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
			  "one million \"a\"");
	/* padding boundaries: 55 fits one block, 56 and 64 need two */
	check_hex(big, 55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318",
			  "55 \"a\"");
	check_hex(big, 56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a",
			  "56 \"a\"");
	check_hex(big, 64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb",
			  "64 \"a\"");
	free(big);

	covet_checksum_compute("CREATE TABLE t (id int);", "DROP TABLE t;", out);
	is_str(out, "c1a1324732033eecb84a7f9483d07c709583dbfb69b77c28bae084d629e052fb",
		   "checksum of a migration with up and down");

	covet_checksum_compute("CREATE TABLE t (id int);", NULL, out);
	is_str(out, "288702f186d8903c686badb3e9c7533f1cff1afcd94c4c51358c10d4fbca56da",
		   "checksum without down is SHA-256 of up and a NUL byte");
	covet_checksum_compute("CREATE TABLE t (id int);", "", out2);
	is_str(out2, out, "checksum with down NULL equals down \"\"");
	covet_checksum_compute("CREATE TABLE t (id int);", "x", out2);
	ok(strcmp(out, out2) != 0, "checksum with down \"x\" differs");

	/* The NUL separator keeps ("ab", "c") apart from ("a", "bc"). */
	covet_checksum_compute("ab", "c", out);
	covet_checksum_compute("a", "bc", out2);
	ok(strcmp(out, out2) != 0, "checksum separates up from down");

	covet_checksum_compute("x", NULL, out);
	is_str(out, "14f825b2bbc32dd8d196367fa8776873069c12a8954d8da7513aa7704ddd09eb",
		   "checksum of (\"x\", NULL) is SHA-256 of \"x\\0\"");

	/* Streaming across block edges agrees with hashing one buffer. */
	for (i = 0; i < 200 && stream_ok; i++)
	{
		size_t		j;
		size_t		uplen = i;
		size_t		downlen = (i * 7) % 130;
		char		up[201];
		char		down[131];

		for (j = 0; j < uplen; j++)
			up[j] = (char) ('a' + j % 26);
		up[uplen] = '\0';
		for (j = 0; j < downlen; j++)
			down[j] = (char) ('A' + j % 26);
		down[downlen] = '\0';
		memcpy(buf, up, uplen);
		buf[uplen] = '\0';
		memcpy(buf + uplen + 1, down, downlen);
		covet_sha256_hex((const unsigned char *) buf, uplen + 1 + downlen, out);
		covet_checksum_compute(up, down, out2);
		if (strcmp(out, out2) != 0)
		{
			diag("mismatch at up length %zu, down length %zu", uplen, downlen);
			stream_ok = false;
		}
	}
	ok(stream_ok, "streamed checksum equals one-buffer digest for 200 lengths");

	out[0] = 'X';
	covet_sha256_hex((const unsigned char *) "abc", 3, out);
	is_int((long long) strlen(out), COVET_CHECKSUM_LEN, "digest is 64 characters");

	return done_testing();
}
