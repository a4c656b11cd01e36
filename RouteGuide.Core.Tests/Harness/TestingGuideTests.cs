namespace RouteGuide.Core.Tests.Harness;

/// <summary>The testing guide and the package's README show the test that CI runs against the packages.</summary>
public class TestingGuideTests
{
    [TestCase("docs", "testing.md")]
    [TestCase("RouteGuide.Core.Testing", "README.md")]
    public void The_document_shows_the_package_consumers_test_word_for_word(string folder, string file)
    {
        var test = File.ReadAllText(RepositoryLayout.PathOf(".ci", "testing-consumer", "RecordRouteTests.cs")).ReplaceLineEndings("\n").TrimEnd('\n');
        var document = File.ReadAllText(RepositoryLayout.PathOf(folder, file)).ReplaceLineEndings("\n");

        test.Should().Contain("RouteGuideTestHost.StartAsync");
        document.Should().Contain("```csharp\n" + test + "\n```", $"{folder}/{file} shows .ci/testing-consumer/RecordRouteTests.cs");
    }
}
