package sbom

// Catalogers returns every cataloger, in the order their packages are
// listed. A new ecosystem is one file with its test, plus one line here.
func Catalogers() []Cataloger {
	return []Cataloger{
		newDpkgCataloger(),
		newAPKCataloger(),
		newRPMCataloger(),
		newGoBinaryCataloger(),
		newCargoAuditableCataloger(),
		newNPMInstalledCataloger(),
		newNPMLockCataloger(),
		newYarnLockCataloger(),
		newPNPMLockCataloger(),
		newPythonInstalledCataloger(),
		newPythonLockCataloger(),
		newJavaArchiveCataloger(),
		newGemspecCataloger(),
		newGemfileLockCataloger(),
		newCargoLockCataloger(),
		newComposerCataloger(),
		newDotnetDepsCataloger(),
	}
}
