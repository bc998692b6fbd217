/*-------------------------------------------------------------------------
 *
 * standalone.c
 *		A main() for the fuzz harnesses without libFuzzer: runs
 *		LLVMFuzzerTestOneInput once on each file named (make test runs
 *		each corpus this way, built with gcc's ASan and UBSan).
 *
 * Prints "ok N files" and exits 0; a sanitizer report or an abort ends
 * the process with a non-zero status before that.
 *
 *-------------------------------------------------------------------------
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
main(int argc, char **argv)
{
	int			i;

	for (i = 1; i < argc; i++)
	{
		FILE	   *f = fopen(argv[i], "rb");
		uint8_t    *buf = NULL;
		size_t		len = 0,
					cap = 0,
					n;

		if (f == NULL)
		{
			perror(argv[i]);
			return 2;
		}
		do
		{
			if (len == cap)
			{
				cap = cap ? cap * 2 : 4096;
				if ((buf = realloc(buf, cap)) == NULL)
					return 2;
			}
			n = fread(buf + len, 1, cap - len, f);
			len += n;
		} while (n > 0);
		fclose(f);
		{
			/* exactly len bytes, so that reading past them is caught */
			uint8_t    *exact = malloc(len ? len : 1);

			if (exact == NULL)
				return 2;
			if (len > 0)
				memcpy(exact, buf, len);
			free(buf);
			LLVMFuzzerTestOneInput(exact, len);
			free(exact);
		}
	}
	printf("ok %d files\n", argc - 1);
	return 0;
}
