/**
 * A self-signed P-256 test certificate (CN "keysync contract test") and its public key as a JWK.
 * Public material only: the private key was discarded when the certificate was made, and no
 * private key is ever committed (tests generate their own at run time).
 */
export const TEST_CERT_JWK = {
  kty: "EC",
  crv: "P-256",
  x: "EOboR1DuE9snaq0xCZrlmGcJaEtLvn-rNucDTaitp-U",
  y: "IkdsCl7tZy0BYh3cMAjlil5lAh_rfJcA9afOB7xPm6M",
};
export const TEST_CERT_DER_BASE64 =
  "MIIBmDCCAT2gAwIBAgIUPrGokyXqD6Rt41dMeIJYOuhKiUkwCgYIKoZIzj0EAwIwIDEeMBwGA1UEAwwVa2V5c3luYyBjb250cmFjdCB0ZXN0MCAXDTI2MTEyNDAwMzEzOVoYDzIxMjYxMDMxMDAzMTM5WjAgMR4wHAYDVQQDDBVrZXlzeW5jIGNvbnRyYWN0IHRlc3QwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAQQ5uhHUO4T2ydqrTEJmuWYZwloS0u+f6s25wNNqK2n5SJHbApe7WctAWId3DAI5YpeZQIf63yXAPWnzge8T5ujo1MwUTAdBgNVHQ4EFgQU8MrkMok7lQw5x9hzPSonWoDEEMAwHwYDVR0jBBgwFoAU8MrkMok7lQw5x9hzPSonWoDEEMAwDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNJADBGAiEAqKdL6tFI984zXsYerGPO4EVOvD789oJNZGdeCYnPl4YCIQCt3IOA5VOkTdygPO9AseVRH+qWTSjaBPt/mug4YdY/SQ==";
