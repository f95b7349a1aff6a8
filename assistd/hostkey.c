/* hostkey: load or create assistd's host key; see hostkey.h. */
#include "assistd/hostkey.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fileio.h"

/* Writes text to path atomically (temporary file, fsync, rename). */
static int
write_file_atomic(const char *path, const char *text, mode_t mode,
		  char *err, size_t errsz)
{
	char tmp[PATH_MAX];
	int fd;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
		snprintf(err, errsz, "%s: path too long", path);
		return -1;
	}
	(void)unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    mode);
	if (fd < 0) {
		snprintf(err, errsz, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	if (fchmod(fd, mode) != 0 ||
	    fileio_write_all(fd, text, strlen(text)) != 0 || fsync(fd) != 0) {
		snprintf(err, errsz, "%s: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		return -1;
	}
	close(fd);
	if (rename(tmp, path) != 0) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

static int
hostkey_create(const char *path, ssh_key *key, char *err, size_t errsz)
{
	char pubpath[PATH_MAX], host[256], line[1024];
	char *b64 = NULL, *pub = NULL;
	int r = -1;

	if (ssh_pki_generate(SSH_KEYTYPE_ED25519, 0, key) != SSH_OK) {
		snprintf(err, errsz, "cannot generate an Ed25519 host key");
		return -1;
	}
	if (ssh_pki_export_privkey_base64(*key, NULL, NULL, NULL, &b64) !=
	    SSH_OK || ssh_pki_export_pubkey_base64(*key, &pub) != SSH_OK) {
		snprintf(err, errsz, "cannot encode the new host key");
		goto out;
	}
	if (write_file_atomic(path, b64, 0600, err, errsz) != 0)
		goto out;
	if (gethostname(host, sizeof(host)) != 0)
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	if (snprintf(pubpath, sizeof(pubpath), "%s.pub", path) >=
	    (int)sizeof(pubpath) ||
	    snprintf(line, sizeof(line), "ssh-ed25519 %s assistd@%s\n", pub,
	    host) >= (int)sizeof(line)) {
		snprintf(err, errsz, "%s.pub: cannot format", path);
		goto out;
	}
	if (write_file_atomic(pubpath, line, 0644, err, errsz) != 0)
		goto out;
	r = 0;
out:
	if (b64 != NULL) {
		explicit_bzero(b64, strlen(b64));
		ssh_string_free_char(b64);
	}
	ssh_string_free_char(pub);
	if (r != 0) {
		ssh_key_free(*key);
		*key = NULL;
	}
	return r;
}

/* Reads an existing key file after checking who may read it. */
static int
hostkey_read(const char *path, int fd, ssh_key *key, char *err,
	     size_t errsz)
{
	struct stat st;
	char *text;
	size_t n;
	int r = -1, e;

	if (fstat(fd, &st) != 0) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errsz, "%s: not a regular file", path);
		return -1;
	}
	if (st.st_uid != getuid()) {
		snprintf(err, errsz, "%s: owned by uid %u, not by us",
		    path, (unsigned)st.st_uid);
		return -1;
	}
	if ((st.st_mode & 077) != 0) {
		snprintf(err, errsz, "%s: host key is accessible by others "
		    "(mode %04o); run: chmod 600 %s", path,
		    (unsigned)(st.st_mode & 07777), path);
		return -1;
	}
	if (st.st_size <= 0 || st.st_size > HOSTKEY_MAX_FILE) {
		snprintf(err, errsz, "%s: bad size %lld", path,
		    (long long)st.st_size);
		return -1;
	}
	/* Read to the end, so a file that changed size since fstat() is
	 * refused rather than cut. */
	text = fileio_read_fd(fd, HOSTKEY_MAX_FILE, &n, &e);
	if (text == NULL && e == ENOMEM) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	if (text == NULL) {
		snprintf(err, errsz, "%s: short read", path);
		return -1;
	}
	if (n != (size_t)st.st_size) {
		snprintf(err, errsz, "%s: short read", path);
		goto out;
	}
	if (ssh_pki_import_privkey_base64(text, NULL, NULL, NULL, key) !=
	    SSH_OK) {
		snprintf(err, errsz, "%s: not a valid unencrypted private key",
		    path);
		goto out;
	}
	if (ssh_key_type(*key) != SSH_KEYTYPE_ED25519) {
		snprintf(err, errsz, "%s: host key must be Ed25519, not %s",
		    path, ssh_key_type_to_char(ssh_key_type(*key)));
		ssh_key_free(*key);
		*key = NULL;
		goto out;
	}
	r = 0;
out:
	explicit_bzero(text, n);
	free(text);
	return r;
}

int
hostkey_load_or_create(const char *dir, ssh_key *key, int *created,
		       char *err, size_t errsz)
{
	char path[PATH_MAX];
	int fd, r;

	*key = NULL;
	*created = 0;
	if (snprintf(path, sizeof(path), "%s/%s", dir, HOSTKEY_FILE) >=
	    (int)sizeof(path)) {
		snprintf(err, errsz, "%s: path too long", dir);
		return -1;
	}
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		*created = 1;
		return hostkey_create(path, key, err, errsz);
	}
	if (fd < 0) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	r = hostkey_read(path, fd, key, err, errsz);
	close(fd);
	return r;
}

int
hostkey_fingerprint(ssh_key key, char *out, size_t outsz)
{
	unsigned char *hash = NULL;
	size_t hlen = 0;
	char *fp;

	if (ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash,
	    &hlen) != SSH_OK)
		return -1;
	fp = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, hlen);
	ssh_clean_pubkey_hash(&hash);
	if (fp == NULL)
		return -1;
	snprintf(out, outsz, "%s", fp);
	ssh_string_free_char(fp);
	return 0;
}

static int
check_dir(const char *path, char *err, size_t errsz)
{
	struct stat st;

	if (lstat(path, &st) != 0) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errsz, "%s: not a directory", path);
		return -1;
	}
	if (st.st_uid != getuid()) {
		snprintf(err, errsz, "%s: owned by uid %u, not by us", path,
		    (unsigned)st.st_uid);
		return -1;
	}
	if ((st.st_mode & 022) != 0) {
		snprintf(err, errsz, "%s: writable by group or others "
		    "(mode %04o)", path, (unsigned)(st.st_mode & 07777));
		return -1;
	}
	return 0;
}

int
hostkey_prepare_dir(const char *path, char *err, size_t errsz)
{
	char tmp[PATH_MAX];
	size_t i, n = strlen(path);

	if (n == 0 || n >= sizeof(tmp) || path[0] != '/') {
		snprintf(err, errsz, "%s: not an absolute path", path);
		return -1;
	}
	memcpy(tmp, path, n + 1);
	for (i = 1; i <= n; i++) {
		if (tmp[i] != '/' && tmp[i] != '\0')
			continue;
		tmp[i] = '\0';
		if (mkdir(tmp, 0700) != 0 && errno != EEXIST) {
			snprintf(err, errsz, "%s: %s", tmp, strerror(errno));
			return -1;
		}
		if (i < n)
			tmp[i] = '/';
	}
	return check_dir(path, err, errsz);
}
