export const KO = {
};
