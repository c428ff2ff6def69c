using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PrivateRag.Core.Storage.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class DocumentAccess : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "AccessRestricted",
                table: "Documents",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateTable(
                name: "DocumentGrants",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    DocumentId = table.Column<Guid>(type: "uuid", nullable: false),
                    Kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Principal = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DocumentGrants", x => x.Id);
                    table.ForeignKey(
                        name: "FK_DocumentGrants_Documents_DocumentId",
                        column: x => x.DocumentId,
                        principalTable: "Documents",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_DocumentGrants_DocumentId_Kind_Principal",
                table: "DocumentGrants",
                columns: new[] { "DocumentId", "Kind", "Principal" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "DocumentGrants");

            migrationBuilder.DropColumn(
                name: "AccessRestricted",
                table: "Documents");
        }
    }
}
